import { spawn } from 'node:child_process';
import { CLI } from './mcp.js';

/** A spawned `rampart` spoken to byte by byte, for input no MCP client would send. */
export interface RawStdio {
  readonly pid: number;
  /** Writes `text` to the server's stdin; resolves once the pipe took it. */
  write(text: string | Buffer): Promise<void>;
  /** Writes one JSON-RPC message as one line. */
  send(message: unknown): Promise<void>;
  /** The next line of stdout (parsed) for which `match` holds; rejects after `ms`. */
  next(match: (message: unknown) => boolean, ms?: number): Promise<unknown>;
  /** A request answered by the server: resolves with the whole response. */
  request(id: number, method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  stderr(): string;
  /** Whether the process has exited, and how. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Closes stdin and waits for the exit. */
  stop(): Promise<void>;
}

export async function spawnRaw(args: string[]): Promise<RawStdio> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let buffered = '';
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const lines: unknown[] = [];
  const waiters: (() => void)[] = [];
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      for (const wake of waiters.splice(0)) wake();
      resolve();
    }),
  );
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  // A server that stops reading makes our writes fail with EPIPE; the test then sees it exited.
  child.stdin.on('error', () => {});

  const write = (text: string | Buffer) =>
    new Promise<void>((resolve) => {
      if (child.stdin.write(text)) resolve();
      else child.stdin.once('drain', () => resolve());
    });
  const next = async (match: (message: unknown) => boolean, ms = 10_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const at = lines.findIndex(match);
      if (at >= 0) return lines.splice(at, 1)[0];
      if (ended) throw new Error(`rampart exited (${JSON.stringify(ended)}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`no matching answer within ${ms} ms; stderr: ${stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const send = (message: unknown) => write(`${JSON.stringify(message)}\n`);
  const request = async (id: number, method: string, params: Record<string, unknown> = {}) => {
    await send({ jsonrpc: '2.0', id, method, params });
    return (await next((m) => (m as { id?: unknown }).id === id)) as Record<string, unknown>;
  };

  await request(0, 'initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw-stdio-test', version: '1' },
  });
  await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    pid: child.pid ?? -1,
    write,
    send,
    next,
    request,
    stderr: () => stderr,
    exited: () => ended,
    async stop() {
      child.stdin.end();
      await exit;
    },
  };
}
