/**
 * The fresh-clone check: clones this checkout into a temporary directory, with a temporary HOME, and runs the
 * README's own checked commands there (see blocks.ts), so the README cannot drift from what works. Run by
 * .ci/readme-check after `npm test`. node_modules is reused from the checkout as hard links (same file system)
 * or a copy, so the README's `npm install` finds everything installed and only builds.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CheckedBlock, checkedBlocks, type ReadmeCommand } from './blocks.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const COMMAND_MS = 60_000;
/** `npm install` in the clone builds dist/ (the prepare script): tsc on two busy cores. */
const INSTALL_MS = 180_000;
const SERVE_URL_MS = 60_000;
const STOP_MS = 20_000;

interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
}

function git(args: string[], cwd = REPO): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** node_modules as hard links to the checkout's (a copy across file systems); npm's own index file copied. */
function reuseNodeModules(clone: string): string {
  const from = path.join(REPO, 'node_modules');
  const to = path.join(clone, 'node_modules');
  try {
    execFileSync('cp', ['-al', from, to], { stdio: 'ignore' });
  } catch {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    return 'copied';
  }
  // npm rewrites this file after an install; as a hard link that would write into the checkout's.
  const index = path.join(to, '.package-lock.json');
  rmSync(index, { force: true });
  copyFileSync(path.join(from, '.package-lock.json'), index);
  return 'hard-linked';
}

/**
 * The environment a newcomer has: a HOME with nothing in it (so npm's cache, and the npx cache where `npx rampart`
 * installs the clone on its first run, start empty too), no RAMPART_* settings, and npm's global folder (for
 * `npm link`) under the temporary directory. Nothing outside it is written.
 */
function environment(temp: string): NodeJS.ProcessEnv {
  const prefix = path.join(temp, 'npm-global');
  const home = path.join(temp, 'home');
  mkdirSync(home);
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^(RAMPART_|npm_|XDG_)/i.test(name) && name !== 'INIT_CWD',
  );
  return {
    ...Object.fromEntries(kept),
    HOME: home,
    PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    npm_config_prefix: prefix,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

/** Starts a shell command in its own process group, so that it and everything it starts can be stopped. */
function start(text: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess & { output: () => string } {
  const child = spawn('sh', ['-c', text], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return Object.assign(child, { output: () => output });
}

function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function exited(child: ChildProcess, ms: number): Promise<number | 'timeout'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => resolve('timeout'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : -1));
    });
  });
}

const tail = (text: string) => text.trim().split('\n').slice(-15).join('\n');

async function runCommand(command: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const started = performance.now();
  const child = start(command.text, cwd, env);
  const code = await exited(child, command.text.includes('npm install') ? INSTALL_MS : COMMAND_MS);
  if (code === 'timeout') stopGroup(child, 'SIGKILL');
  const ms = performance.now() - started;
  const name = `README:${command.line} ${command.text}`;
  if (code === command.exit) return { name, ok: true, ms };
  const got = code === 'timeout' ? 'did not finish in time' : `exited ${code}`;
  return { name, ok: false, ms, detail: `${got}, expected exit ${command.exit}\n${tail(child.output())}` };
}

/** Waits for the first http://127.0.0.1:PORT the server prints, or undefined when it exits or takes too long. */
function firstUrl(child: ChildProcess & { output: () => string }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const find = () => /http:\/\/127\.0\.0\.1:\d+/.exec(child.output())?.[0];
    const done = (url: string | undefined) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve(url);
    };
    const poll = setInterval(() => {
      const url = find();
      if (url || child.exitCode !== null) done(url);
    }, 100);
    const timer = setTimeout(() => done(find()), INSTALL_MS + SERVE_URL_MS);
  });
}

/** Starts the server command, waits for its URL, asks /healthz, and stops it with Ctrl-C (SIGINT). */
async function serveCommand(command: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const started = performance.now();
  // Port 0: a gateway or registry a developer has running on 8787 or 8081 must not make the check fail.
  const child = start(command.text, cwd, {
    ...env,
    RAMPART_GATEWAY_PORT: '0',
    RAMPART_GATEWAY_EMBEDDED_REGISTRY_PORT: '0',
  });
  const name = `README:${command.line} ${command.text} (serve, GET /healthz, Ctrl-C)`;
  try {
    const url = await firstUrl(child);
    if (!url) {
      const ms = performance.now() - started;
      return { name, ok: false, ms, detail: `printed no URL\n${tail(child.output())}` };
    }
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch(
      (error: Error) => error,
    );
    if (health instanceof Error || health.status !== 200) {
      const got = health instanceof Error ? health.message : `HTTP ${health.status}`;
      return { name, ok: false, ms: performance.now() - started, detail: `${url}/healthz: ${got}` };
    }
    stopGroup(child, 'SIGINT');
    const code = await exited(child, STOP_MS);
    const ms = performance.now() - started;
    if (code === 'timeout')
      return { name, ok: false, ms, detail: `did not stop within ${STOP_MS} ms of Ctrl-C` };
    return { name, ok: true, ms };
  } finally {
    stopGroup(child, 'SIGKILL');
  }
}

async function runBlock(block: CheckedBlock, cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const command of block.commands) {
    if (block.mode === 'serve' && !command.text.includes('npm start')) continue;
    const outcome = await (block.mode === 'serve' ? serveCommand : runCommand)(command, cwd, env);
    console.log(`${outcome.ok ? 'ok  ' : 'FAIL'} ${(outcome.ms / 1000).toFixed(1)}s  ${outcome.name}`);
    if (outcome.detail) console.log(outcome.detail.replace(/^/gm, '      '));
    outcomes.push(outcome);
  }
  return outcomes;
}

async function main(): Promise<number> {
  const started = performance.now();
  const blocks = checkedBlocks(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  if (!blocks.some((b) => b.mode === 'serve') || !blocks.some((b) => b.mode === 'run'))
    throw new Error('README.md has no readme-check serve block or no readme-check run block');
  const temp = mkdtempSync(path.join(os.tmpdir(), 'rampart-readme-'));
  try {
    const clone = path.join(temp, 'clone');
    git(['clone', '--quiet', REPO, clone], temp);
    const how = reuseNodeModules(clone);
    console.log(
      `readme-check: ${git(['rev-parse', '--short', 'HEAD'], clone)} cloned to ${clone}, node_modules ${how}`,
    );
    const env = environment(temp);
    const outcomes: Outcome[] = [];
    for (const block of blocks) outcomes.push(...(await runBlock(block, clone, env)));
    const failed = outcomes.filter((o) => !o.ok).length;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`readme-check took ${seconds}s`);
    console.log(`readme: ${outcomes.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

process.exitCode = await main();
