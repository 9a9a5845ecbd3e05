import { spawn } from 'node:child_process';
import { CLI } from './mcp.js';

/** How a spawned rampart ended, and how long after `since` (the moment we asked it to stop, or its output). */
export interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What the process prints when only the last-resort exit ended it: a resource was left open. */
export const BACKSTOP = /still running \d+ ms after shutting down/;

function cleanEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env };
}

export interface StdioServer {
  /** Sends one JSON-RPC request and resolves with its result (rejects on an error answer). */
  request(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** A tools/call; resolves with the result (isError included). */
  callTool(name: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Closes stdin (or sends the signal) and resolves once the process has exited. */
  stop(how: 'stdin' | 'SIGTERM' | 'SIGINT'): Promise<Ended>;
  kill(): void;
}

/**
 * Spawns `rampart <args>` as an MCP client would, speaking newline-delimited JSON-RPC by hand: the SDK's client
 * transport would end the process itself on close, hiding whether it exits by itself.
 */
export async function spawnStdioServer(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<StdioServer> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cleanEnv(options.env ?? {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let buffered = '';
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      const message = JSON.parse(line) as { id?: number; result?: unknown; error?: { message: string } };
      const pending = message.id === undefined ? undefined : waiting.get(message.id);
      if (!pending) continue;
      waiting.delete(message.id as number);
      if (message.error) pending.reject(new Error(message.error.message));
      else pending.resolve(message.result as Record<string, unknown>);
    }
  });
  void exited.then(() => {
    for (const pending of waiting.values()) pending.reject(new Error(`rampart exited: ${stderr}`));
  });
  const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const request = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      send({ jsonrpc: '2.0', id, method, params });
    });
  await request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'lifecycle-test', version: '1' },
  });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    request,
    callTool: (name, args = {}) => request('tools/call', { name, arguments: args }),
    async stop(how) {
      const since = Date.now();
      if (how === 'stdin') child.stdin.end();
      else child.kill(how);
      const end = await exited;
      return { code: end.code, signal: end.signal, ms: end.at - since, stdout, stderr };
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/**
 * Runs a one-shot `rampart <args>` (call, tools) and measures how long it keeps running after its last output,
 * which is how long a user waits at the prompt after the answer is on screen.
 */
export function runOneShot(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<Ended> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cleanEnv(options.env ?? {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lastOutput = Date.now();
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    lastOutput = Date.now();
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - lastOutput, stdout, stderr });
    }),
  );
}
