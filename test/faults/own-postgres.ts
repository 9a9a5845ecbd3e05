import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** The directory holding initdb and pg_ctl (pg_config's, PATH's or Debian's newest), or undefined. */
export function postgresBinaries(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {}
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    if (initdb) candidates.push(path.dirname(initdb));
  } catch {}
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  return candidates.find(
    (dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')),
  );
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` user and its tools run as it. */
function runAs(): { prefix: string[]; owner?: { uid: number; gid: number } } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { prefix: ['runuser', '-u', 'postgres', '--'], owner: { uid: id('-u'), gid: id('-g') } };
}

/**
 * A PostgreSQL cluster this test owns: made by initdb in a temp directory, listening on its own port on
 * 127.0.0.1 and a socket in that directory, never the machine's shared server. `stop('immediate')` is a crash
 * (no checkpoint; recovery replays the WAL at the next start), so what it committed must survive.
 */
export class OwnPostgres {
  private running = false;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly prefix: readonly string[],
  ) {}

  static async start(bin: string): Promise<OwnPostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-own-pg-'));
    const { prefix, owner } = runAs();
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const cluster = new OwnPostgres(bin, dir, await freePort(), prefix);
    try {
      await cluster.tool('initdb', [
        '-D',
        cluster.data,
        '-A',
        'trust',
        '-U',
        'postgres',
        '--no-sync',
        '-E',
        'UTF8',
      ]);
      await cluster.start();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return cluster;
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private async tool(name: string, args: string[]): Promise<void> {
    const [command, ...rest] = [...this.prefix, path.join(this.bin, name), ...args];
    await run(command as string, rest, { timeout: 60_000 });
  }

  /** Starts the cluster (again) on the same port and data, and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=50`;
    await this.tool('pg_ctl', [
      'start',
      '-D',
      this.data,
      '-o',
      options,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      '-t',
      '60',
    ]);
    this.running = true;
  }

  /** `immediate` is a crash (every backend killed at once); `fast` a clean shutdown that ends every session. */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    if (!this.running) return;
    await this.tool('pg_ctl', ['stop', '-D', this.data, '-m', mode, '-w', '-t', '60']);
    this.running = false;
  }

  async close(): Promise<void> {
    await this.stop('immediate').catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
