import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excludeFromGit } from '../src/servers/sessions/git-exclude.js';
import { git } from './helpers/git.js';
import { connectSessions, prepareSessionsForTest } from './helpers/mcp.js';

let base: string;
let count = 0;

/** A fresh `git init` work tree (its .git/info/exclude as git writes it). */
function repo(): string {
  const dir = path.join(base, `repo-${count++}`);
  mkdirSync(dir);
  git(dir, ['init', '--quiet']);
  return dir;
}

const excludeOf = (dir: string) => readFileSync(path.join(dir, '.git/info/exclude'), 'utf8');

/** Runs a sessions server on `projectDir` with the file store, signs one session on and off. */
async function useSessions(projectDir: string, directory?: string): Promise<void> {
  const prepared = await prepareSessionsForTest({
    projectDir,
    store: 'file',
    project: 'demo',
    ...(directory ? { directory } : {}),
  });
  const session = await connectSessions(prepared);
  try {
    expect((await session.call('sign_on', {})).isError).toBe(false);
    expect((await session.call('store_data', { scope: 'plan', key: 'k', value: 1 })).isError).toBe(false);
  } finally {
    await session.close();
    await prepared.close();
  }
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-sessions-exclude-')));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the sessions file store keeps its state out of git status', () => {
  it('adds .claude/session-state/ to .git/info/exclude once, keeping what was there', async () => {
    const dir = repo();
    const before = excludeOf(dir);
    await useSessions(dir);
    await useSessions(dir);
    const after = excludeOf(dir);
    expect(after.startsWith(before)).toBe(true);
    expect(after.split('\n').filter((line) => line === '/.claude/session-state/')).toHaveLength(1);
    expect(git(dir, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(statSync(path.join(dir, '.git/info/exclude')).mode & 0o777).toBe(0o644);
  });

  it('names the state directory from the top of the work tree when the project is a subdirectory', async () => {
    const dir = repo();
    const project = path.join(dir, 'packages/app');
    mkdirSync(project, { recursive: true });
    await useSessions(project);
    expect(excludeOf(dir)).toContain('\n/packages/app/.claude/session-state/\n');
    expect(git(dir, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('creates .git/info/exclude when git left none, and leaves a directory that is not a work tree alone', async () => {
    const dir = repo();
    rmSync(path.join(dir, '.git/info'), { recursive: true, force: true });
    await useSessions(dir);
    expect(excludeOf(dir)).toMatch(/^# rampart sessions: .*\n\/\.claude\/session-state\/\n$/);
    const plain = path.join(base, 'not-a-repo');
    mkdirSync(plain);
    await useSessions(plain);
    expect(() => statSync(path.join(plain, '.git'))).toThrow();
  });

  it('writes nothing for a state directory outside the work tree', async () => {
    const dir = repo();
    const before = excludeOf(dir);
    await useSessions(dir, path.join(base, 'state-elsewhere'));
    expect(excludeOf(dir)).toBe(before);
  });

  it('does not write through a .git/info/exclude that links to a file outside the repository', async () => {
    const dir = repo();
    const victim = path.join(base, `victim-${count}.txt`);
    writeFileSync(victim, 'untouched\n');
    rmSync(path.join(dir, '.git/info/exclude'));
    symlinkSync(victim, path.join(dir, '.git/info/exclude'));
    mkdirSync(path.join(dir, '.claude/session-state'), { recursive: true });
    expect(await excludeFromGit(path.join(dir, '.claude/session-state'))).toBe('refused: a link');
    await useSessions(dir);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
  });

  it('does not write into a .git/info that links to a directory outside the repository', async () => {
    const dir = repo();
    const outside = path.join(base, `outside-info-${count}`);
    mkdirSync(outside);
    rmSync(path.join(dir, '.git/info'), { recursive: true });
    symlinkSync(outside, path.join(dir, '.git/info'));
    mkdirSync(path.join(dir, '.claude/session-state'), { recursive: true });
    expect(await excludeFromGit(path.join(dir, '.claude/session-state'))).toBe('refused: a link');
    expect(() => statSync(path.join(outside, 'exclude'))).toThrow();
  });
});
