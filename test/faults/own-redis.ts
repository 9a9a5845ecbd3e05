import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports.js';

/** The redis-server binary on PATH, or undefined when this machine has none. */
export function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A redis-server this test owns, on its own port and data directory, never the machine's shared one. It
 * saves no snapshots but appends every write to its log before answering (`appendfsync always`), so a kill -9
 * and a restart lose nothing it acknowledged, as a production Redis with AOF would.
 */
export class OwnRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-own-redis-'));
    const redis = new OwnRedis(await freePort(), dir);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on the same port and data. */
  async start(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    const child = spawn(
      'redis-server',
      [...args, '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitForPort(this.port, true, 10_000, `redis-server on ${this.port}`);
  }

  /** kill -9: the server vanishes mid-stream, as in a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGCONT');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    await waitForPort(this.port, false, 5_000, `redis-server on ${this.port}`);
  }

  /** SIGSTOP: the server keeps its connections open but answers nothing, as a hung host does. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
