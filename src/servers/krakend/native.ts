import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locateExecutable } from '../../core/executables.js';

export interface Installed {
  readonly path: string;
  readonly version?: string;
}

export interface NativeRun {
  readonly exitCode: number;
  readonly output: string;
}

const RUN_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 1024 * 1024;

/** Runs a program with an argument array (no shell), a small fixed environment, and a time limit. */
export function run(binary: string, args: readonly string[], signal?: AbortSignal): Promise<NativeRun> {
  return new Promise((resolve) => {
    execFile(
      binary,
      args,
      {
        timeout: RUN_TIMEOUT_MS,
        maxBuffer: MAX_OUTPUT,
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmpdir(), NO_COLOR: '1' },
        ...(signal ? { signal } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode: code, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

const VERSION = /version[:\s]+v?(\d+\.\d+(?:\.\d+)?)/i;
const DOCKER_VERSION = /version\s+(\d+\.\d+(?:\.\d+)?)/i;

/** The KrakenD binary, if installed, and the version it reports. */
export async function findKrakend(binary: string): Promise<Installed | undefined> {
  const found = await locateExecutable(binary);
  if (!found) return undefined;
  const answer = await run(found, ['version']);
  const version = VERSION.exec(answer.output)?.[1];
  return { path: found, ...(version ? { version } : {}) };
}

export async function findDocker(): Promise<Installed | undefined> {
  const found = await locateExecutable('docker');
  if (!found) return undefined;
  const answer = await run(found, ['--version']);
  const version = DOCKER_VERSION.exec(answer.output)?.[1];
  return { path: found, ...(version ? { version } : {}) };
}

/** Writes the config to a private temporary directory for the binary to read, and removes it afterwards. */
export async function withConfigFile<T>(text: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rampart-krakend-'));
  try {
    const file = path.join(dir, 'krakend.json');
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How KrakenD itself can be run here: the installed binary, or Docker with a KrakenD image already pulled. */
export interface NativeRunner {
  readonly via: 'binary' | 'docker';
  /** The binary's path, or the image. */
  readonly label: string;
  readonly version?: string;
  run(args: readonly string[], file: string, signal?: AbortSignal): Promise<NativeRun>;
}

const KRAKEND_IMAGES = /^(?:krakend|devopsfaith\/krakend|krakend\/krakend-ee):[\w.-]+$/;

/**
 * The binary when installed; else Docker with a KrakenD image that is already present (never a pull: the run has
 * no network, `--pull never`, and the config mounted read-only as the caller's own user).
 */
export async function nativeRunner(installed: {
  krakend?: Installed;
  docker?: Installed;
}): Promise<NativeRunner | undefined> {
  const { krakend, docker } = installed;
  if (krakend) {
    return {
      via: 'binary',
      label: krakend.path,
      ...(krakend.version ? { version: krakend.version } : {}),
      run: (args, file, signal) => run(krakend.path, [...args, file], signal),
    };
  }
  if (!docker) return undefined;
  const listed = await run(docker.path, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
  if (listed.exitCode !== 0) return undefined;
  const image = listed.output
    .split('\n')
    .map((line) => line.trim())
    .find((line) => KRAKEND_IMAGES.test(line));
  if (!image) return undefined;
  const user =
    typeof process.getuid === 'function' ? [`--user`, `${process.getuid()}:${process.getgid?.() ?? 0}`] : [];
  return {
    via: 'docker',
    label: image,
    version: image.slice(image.indexOf(':') + 1),
    run: (args, file, signal) =>
      run(
        docker.path,
        [
          'run',
          '--rm',
          '--network',
          'none',
          '--pull',
          'never',
          ...user,
          '-v',
          `${path.dirname(file)}:/etc/krakend:ro`,
          image,
          ...args,
          `/etc/krakend/${path.basename(file)}`,
        ],
        signal,
      ),
  };
}

/** `krakend check -tlc file`: whether KrakenD itself parses, lints and loads the config. */
export async function nativeCheck(
  runner: NativeRunner,
  text: string,
  signal?: AbortSignal,
): Promise<NativeRun> {
  return withConfigFile(text, (file) => runner.run(['check', '-tlc'], file, signal));
}

/** `krakend audit` as JSON: the rule ids KrakenD's own audit reports, in its order. */
export async function nativeAudit(
  runner: NativeRunner,
  text: string,
  exclude: readonly string[],
  severities: readonly string[],
  signal?: AbortSignal,
): Promise<{ run: NativeRun; rules?: string[] }> {
  const args = ['audit', '-f', '{{ marshal . }}', '-s', severities.join(',')];
  if (exclude.length > 0) args.push('-i', exclude.join(','));
  const result = await withConfigFile(text, (file) => runner.run([...args, '-c'], file, signal));
  const json = result.output.slice(result.output.indexOf('{'));
  try {
    const parsed = JSON.parse(json) as { recommendations?: { rule?: unknown }[] };
    const rules = (parsed.recommendations ?? []).map((r) => String(r.rule));
    return { run: result, rules };
  } catch {
    return { run: result };
  }
}
