import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackChild } from '../lib/children.js';
import { REPO_ROOT } from '../lib/paths.js';

const BARE_ENTRY = join(REPO_ROOT, 'bench/gateway/bare-server.mjs');
const MEMORY_PROBE = join(REPO_ROOT, 'bench/gateway/memory-probe.mjs');
const START_TIMEOUT_MS = 30_000;
/** Longer than the gateway's default drain (10 s), so a clean stop is never cut short. */
const STOP_TIMEOUT_MS = 20_000;

/** A server child that is listening: where to send calls, and how to stop it. */
export interface RunningServer {
  readonly label: string;
  readonly pid: number;
  /** The MCP endpoint the calls go to. */
  readonly endpoint: URL;
  /** Headers every call carries besides the common ones (the bearer token, for Rampart). */
  readonly headers: Readonly<Record<string, string>>;
  /** Where the memory probe preloaded into the child writes its samples. */
  readonly memoryFile: string;
  /** Responses received from it over the whole run, whatever they were (the audit log should hold as many). */
  answered: number;
  /** SIGTERM, then SIGKILL if it has not exited in time; resolves once it has exited. */
  stop(): Promise<void>;
}

interface Launch {
  readonly label: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Appended to the URL the child prints. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly memoryFile: string;
  readonly memoryIntervalMs: number;
}

/** Where a server runs and where it reports its memory. */
export interface Placement {
  /** The one directory served (and the child's cwd). */
  readonly root: string;
  readonly memoryFile: string;
  readonly memoryIntervalMs: number;
}

/**
 * Node flags for both servers: the memory probe (and --expose-gc, so it can collect before it measures).
 * BENCH_GATEWAY_PROFILE=<dir> adds --cpu-prof, so each server writes a CPU profile there when it stops.
 */
function nodeFlags(): string[] {
  const flags = ['--expose-gc', `--import=${MEMORY_PROBE}`];
  const dir = process.env.BENCH_GATEWAY_PROFILE;
  return dir ? [...flags, '--cpu-prof', `--cpu-prof-dir=${dir}`] : flags;
}

/** The parent's environment without RAMPART_* (a developer's own settings must not change what is measured). */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('RAMPART_') && !key.startsWith('BENCH_GATEWAY_'))
      env[key] = value;
  }
  return env;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function launch(spec: Launch): Promise<RunningServer> {
  const child = spawn(process.execPath, [...nodeFlags(), ...spec.args], {
    cwd: spec.cwd,
    env: {
      ...spec.env,
      BENCH_GATEWAY_MEMORY_FILE: spec.memoryFile,
      BENCH_GATEWAY_MEMORY_INTERVAL_MS: String(spec.memoryIntervalMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.label}: could not spawn`);
  const untrack = trackChild(pid);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${spec.label} ${why}; stderr: ${stderr.trim() || '(empty)'}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before it was serving`));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const found = /serving on (http:\/\/\S+)/.exec(stdout);
      if (!found?.[1]) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(found[1]);
    });
  });
  // Keep reading, so that a chatty child never blocks on a full pipe.
  child.stdout?.resume();
  return {
    label: spec.label,
    pid,
    endpoint: new URL(`${url.replace(/\/$/, '')}${spec.path}`),
    headers: spec.headers,
    memoryFile: spec.memoryFile,
    answered: 0,
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await done;
      clearTimeout(timer);
      untrack();
    },
  };
}

/** Where `rampart serve` keeps its own files: both outside the served directory. */
export interface RampartFiles {
  readonly auditLog: string;
  /** Written here: the servers to mount, so that the default list changing cannot change what is measured. */
  readonly configFile: string;
}

/**
 * `rampart serve` from dist/, as a user runs it, with a rampart.yaml naming one server: fs on the served
 * directory, read-only, at /mcp/fs (what serve mounts by default). Bearer token from RAMPART_TOKEN, the audit log
 * on, and the rate limit raised out of the way (1e9 requests a minute), so that every request still goes through
 * the limiter but none is refused.
 */
export function startRampart(cli: string, files: RampartFiles, place: Placement): Promise<RunningServer> {
  const token = randomBytes(32).toString('base64url');
  // JSON is YAML.
  const config = { servers: [{ name: 'fs', kind: 'fs', options: { roots: [place.root], readOnly: true } }] };
  writeFileSync(files.configFile, `${JSON.stringify(config, null, 2)}\n`);
  return launch({
    label: 'Rampart',
    args: [
      cli,
      'serve',
      '--config',
      files.configFile,
      '--port',
      '0',
      '--audit-log',
      files.auditLog,
      '--log-level',
      'warn',
    ],
    cwd: place.root,
    env: { ...cleanEnv(), RAMPART_TOKEN: token, RAMPART_GATEWAY_RATE_LIMIT_REQUESTS: '1000000000' },
    path: '/mcp/fs',
    headers: { authorization: `Bearer ${token}` },
    memoryFile: place.memoryFile,
    memoryIntervalMs: place.memoryIntervalMs,
  });
}

/** The SDK v2's bare handler with the same tool behind the same HTTP server, and nothing else. */
export function startBare(place: Placement): Promise<RunningServer> {
  return launch({
    label: 'bare SDK v2',
    args: [BARE_ENTRY, place.root],
    cwd: place.root,
    env: cleanEnv(),
    path: '',
    headers: {},
    memoryFile: place.memoryFile,
    memoryIntervalMs: place.memoryIntervalMs,
  });
}
