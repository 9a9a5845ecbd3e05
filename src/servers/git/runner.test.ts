import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type GitRepository, GitRunner } from './runner.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for git that records its pid, its environment and arguments, then does what `body` says. */
function fakeGit(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `#!/bin/sh\necho $$ > "${dir}/${name}.pid"\n/usr/bin/env > "${dir}/${name}.env"\n${body}\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

const repo: GitRepository = { given: dir, root: dir, gitDir: dir, commonDir: dir, topLevel: dir };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('git runner', () => {
  it('kills git when the call is cancelled or times out', async () => {
    const runner = new GitRunner(fakeGit('sleepy', 'exec /bin/sleep 30'), 1024);
    const started = performance.now();
    await expect(runner.run(repo, ['log'], { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
    const pid = Number(readFileSync(path.join(dir, 'sleepy.pid'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
  });

  it('stops reading at the output cap and stops git', async () => {
    const runner = new GitRunner(fakeGit('chatty', 'exec /usr/bin/yes'), 4096);
    const result = await runner.run(repo, ['log'], { signal: AbortSignal.timeout(5_000) });
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBe(4096);
  });

  it('gives git only the hardened environment, whatever the server process has', async () => {
    process.env.GIT_DIR = '/somewhere/else';
    process.env.GIT_SSH_COMMAND = 'touch /tmp/pwned';
    try {
      const runner = new GitRunner(fakeGit('envy', 'exit 0'), 1024);
      await runner.run(repo, ['status'], { signal: AbortSignal.timeout(5_000) });
      const env = readFileSync(path.join(dir, 'envy.env'), 'utf8');
      expect(env).not.toContain('GIT_DIR=');
      expect(env).not.toContain('GIT_SSH_COMMAND');
      expect(env).toContain('GIT_CONFIG_GLOBAL=/dev/null');
      expect(env).toContain('PATH=/nonexistent');
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_SSH_COMMAND;
    }
  });

  it('reports a failure with git’s own first error line', async () => {
    const runner = new GitRunner(fakeGit('failing', "echo 'fatal: bad revision x' >&2; exit 128"), 1024);
    await expect(runner.run(repo, ['log'], { signal: AbortSignal.timeout(5_000) })).rejects.toThrow(
      'git log failed: bad revision x',
    );
  });
});
