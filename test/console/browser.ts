import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

// This file and the browser tests import nothing from src/ or the shared helpers: they type-check in a program of
// their own with the DOM library, which stays small (and quick) that way.
const CLI = path.resolve(import.meta.dirname, '../../dist/cli/main.js');

/** Debian's Chromium, which playwright-core drives (it downloads no browser of its own). */
export const CHROMIUM = process.env.RAMPART_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A describe block for tests that need Chromium: skipped with a printed reason on a developer's machine without
 * it, failing under CI=true (where .ci/run installs it), as describeWithService does for services.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`${reason}, and under CI=true browser tests fail instead of skipping`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${reason}`);
  describe.skip(name, body);
}

/** Headless Chromium with a fresh profile (playwright's default), quiet: no sync, updates or first-run pages. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ServedGateway {
  readonly url: string;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `rampart serve` as a person starts it, in its own process, on a free loopback port, with the servers of
 * `yaml` and RAMPART_TOKEN set; resolves once it prints the address it serves on.
 */
export function spawnServe(
  dir: string,
  yaml: string,
  token: string,
  extra: { readonly env?: Record<string, string>; readonly args?: readonly string[] } = {},
): Promise<ServedGateway> {
  const config = path.join(dir, 'rampart.yaml');
  writeFileSync(config, yaml);
  return spawnCli(
    ['serve', '--port', '0', '--config', config, '--log-level', 'warn', ...(extra.args ?? [])],
    dir,
    { RAMPART_TOKEN: token, ...extra.env },
    /serving on (http:\/\/127\.0\.0\.1:\d+)/,
  );
}

/**
 * `rampart <args>` in its own process in `dir` (its HOME too), with PATH and `env` only; resolves once its stdout
 * or stderr shows `listening`, whose first group is the URL it listens on.
 */
export function spawnCli(
  args: readonly string[],
  dir: string,
  env: Record<string, string>,
  listening: RegExp,
): Promise<ServedGateway> {
  const what = `rampart ${args[0]}`;
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let url: string | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start in 15 s:\n${output}`));
    }, 15_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      if (url) return;
      url = listening.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        output: () => output,
        async stop() {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before serving:\n${output}`));
    });
  });
}

export interface Sandbox {
  readonly base: string;
  /** What the fs server may use. */
  readonly root: string;
  cleanup(): void;
}

export function makeSandbox(): Sandbox {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-console-')));
  const root = path.join(base, 'root');
  mkdirSync(root);
  writeFileSync(path.join(root, 'hello.txt'), 'hello\nworld\n');
  return { base, root, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** A web page of another origin: `html` on a free port of 127.0.0.1 (another port is the same site). */
export async function servePage(html: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
