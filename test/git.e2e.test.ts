import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, git, initRepo } from './helpers/git.js';
import { connectGit, type Session, spawnRampart, type TextResult } from './helpers/mcp.js';

/** A list from a result's structured content; empty when it is missing, so a wrong answer fails the assertion. */
function list<T = Record<string, unknown>>(result: TextResult, key: string): T[] {
  return (result.structured?.[key] ?? []) as T[];
}
const hashes = (result: TextResult) => list<{ hash: string }>(result, 'commits').map((c) => c.hash);
const names = (result: TextResult) => list<{ name: string }>(result, 'branches').map((b) => b.name);

let base: string;
let repo: string;
let first: string;
let second: string;
let third: string;
let session: Session;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-git-')));
  repo = initRepo(path.join(base, 'app'));
  first = commit(
    repo,
    { 'README.md': '# App\n', 'src/main.ts': 'export const answer = 41;\n' },
    'Start the app',
    '2024-01-10T10:00:00Z',
  );
  second = commit(
    repo,
    { 'src/main.ts': 'export const answer = 42;\n' },
    'Fix the answer\n\nIt was off by one.',
    '2024-02-10T10:00:00Z',
  );
  git(repo, ['branch', 'feature']);
  git(repo, ['checkout', '--quiet', 'feature']);
  third = commit(
    repo,
    { 'src/extra.ts': 'export const extra = true;\n' },
    'Add extra',
    '2024-03-10T10:00:00Z',
  );
  git(repo, ['checkout', '--quiet', 'main']);
  git(repo, ['remote', 'add', 'origin', 'https://example.invalid/app.git']);
  git(repo, ['update-ref', 'refs/remotes/origin/main', first]);
  writeFileSync(path.join(repo, 'README.md'), '# App\n\nStaged line.\n');
  git(repo, ['add', 'README.md']);
  writeFileSync(path.join(repo, 'src/main.ts'), 'export const answer = 43;\n');
  writeFileSync(path.join(repo, 'notes.txt'), 'untracked\n');
  session = await connectGit([repo]);
});

afterAll(async () => {
  await session?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('git server: the reference tools', () => {
  it('lists the reference tool names and the new ones, all read-only', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'git_blame',
        'git_branch',
        'git_diff',
        'git_diff_staged',
        'git_diff_unstaged',
        'git_grep',
        'git_log',
        'git_ls_tree',
        'git_read_file',
        'git_show',
        'git_status',
      ].sort(),
    );
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.annotations?.destructiveHint, tool.name).toBe(false);
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(Object.keys(tool.inputSchema.properties ?? {}), tool.name).toContain('repo_path');
    }
  });

  it('git_status shows branch, staged, unstaged and untracked files', async () => {
    const result = await session.call('git_status', { repo_path: repo });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({
      repository: repo,
      branch: 'main',
      head: second,
      staged: [{ path: 'README.md', status: 'modified' }],
      unstaged: [{ path: 'src/main.ts', status: 'modified' }],
      untracked: ['notes.txt'],
    });
    expect(result.text).toContain('Repository status:');
  });

  it('repo_path may be left out with one repository, and may name a directory inside it', async () => {
    expect((await session.call('git_status', {})).structured?.repository).toBe(repo);
    expect(
      (await session.call('git_status', { repo_path: path.join(repo, 'src') })).structured?.repository,
    ).toBe(repo);
  });

  it('git_diff_unstaged and git_diff_staged show the two sides of the index', async () => {
    const unstaged = await session.call('git_diff_unstaged', { repo_path: repo });
    expect(unstaged.structured?.diff).toContain('+export const answer = 43;');
    expect(unstaged.structured?.diff).not.toContain('Staged line');
    expect(unstaged.text.startsWith('Unstaged changes:\n')).toBe(true);
    const staged = await session.call('git_diff_staged', { repo_path: repo, context_lines: 0 });
    expect(staged.structured?.diff).toContain('+Staged line.');
    expect(staged.structured?.diff).not.toContain('answer');
  });

  it('git_diff compares the working tree with a revision, and takes a..b and a...b ranges', async () => {
    const worktree = await session.call('git_diff', { target: 'HEAD~1' });
    expect(worktree.structured?.diff).toContain('-export const answer = 41;');
    expect(worktree.structured?.diff).toContain('+export const answer = 43;');
    const range = await session.call('git_diff', { target: 'main..feature' });
    expect(range.structured?.diff).toContain('+export const extra = true;');
    expect(range.structured?.diff).not.toContain('answer = 43');
    const symmetric = await session.call('git_diff', { target: `${first}...feature` });
    expect(symmetric.structured?.diff).toContain('src/extra.ts');
    const narrowed = await session.call('git_diff', { target: `${first}..feature`, path: 'src/extra.ts' });
    expect(narrowed.structured?.diff).not.toContain('answer');
  });

  it('git_log returns commits newest first, filtered by count, time and path', async () => {
    const all = await session.call('git_log', {});
    const commits = all.structured?.commits as {
      hash: string;
      subject: string;
      body: string;
      parents: string[];
    }[];
    expect(commits.map((c) => c.hash)).toEqual([second, first]);
    expect(commits[0]).toMatchObject({
      subject: 'Fix the answer',
      body: 'It was off by one.',
      parents: [first],
    });
    expect(all.text).toContain(`Commit: ${second}`);
    const one = await session.call('git_log', { max_count: 1 });
    expect(hashes(one)).toHaveLength(1);
    const since = await session.call('git_log', { start_timestamp: '2024-02-01', end_timestamp: null });
    expect(hashes(since)).toEqual([second]);
    const until = await session.call('git_log', { end_timestamp: '2024-01-31T00:00:00' });
    expect(hashes(until)).toEqual([first]);
    const feature = await session.call('git_log', { revision: 'feature', path: 'src/extra.ts' });
    expect(hashes(feature)).toEqual([third]);
  });

  it('git_show gives one commit and its patch', async () => {
    const result = await session.call('git_show', { revision: 'HEAD' });
    expect(result.structured?.commit).toMatchObject({
      hash: second,
      author: 'Ada Lovelace',
      subject: 'Fix the answer',
    });
    expect(result.structured?.diff).toContain('+export const answer = 42;');
    const root = await session.call('git_show', { revision: first });
    expect(root.structured?.diff).toContain('+# App');
    const missing = await session.call('git_show', { revision: 'no-such-branch' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('revision "no-such-branch" does not name a commit');
  });

  it('git_branch lists local, remote and all branches, filtered by contained commits', async () => {
    const local = await session.call('git_branch', { branch_type: 'local' });
    expect(local.structured?.branches).toEqual([
      { name: 'feature', remote: false, commit: third, current: false },
      { name: 'main', remote: false, commit: second, current: true },
    ]);
    expect(local.text).toContain('* main');
    const remote = await session.call('git_branch', { branch_type: 'remote' });
    expect(names(remote)).toEqual(['origin/main']);
    const containing = await session.call('git_branch', { branch_type: 'all', contains: third });
    expect(names(containing)).toEqual(['feature']);
    const lacking = await session.call('git_branch', { branch_type: 'all', not_contains: second });
    expect(names(lacking)).toEqual(['origin/main']);
  });

  it('git_blame attributes each line to its commit', async () => {
    const result = await session.call('git_blame', { path: 'src/main.ts' });
    expect(result.structured?.lines).toEqual([
      {
        line: 1,
        commit: second,
        author: 'Ada Lovelace',
        date: '2024-02-10T10:00:00.000Z',
        summary: 'Fix the answer',
        text: 'export const answer = 42;',
      },
    ]);
    const old = await session.call('git_blame', {
      path: 'src/main.ts',
      revision: first,
      start_line: 1,
      end_line: 1,
    });
    expect(list<{ commit: string }>(old, 'lines')[0]?.commit).toBe(first);
  });

  it('git_grep searches the working tree or a revision', async () => {
    const worktree = await session.call('git_grep', { pattern: 'answer = 4[0-9]' });
    expect(worktree.structured?.matches).toEqual([
      { path: 'src/main.ts', line: 1, text: 'export const answer = 43;' },
    ]);
    const atFirst = await session.call('git_grep', { pattern: 'ANSWER', ignore_case: true, revision: first });
    expect(atFirst.structured?.matches).toEqual([
      { path: 'src/main.ts', line: 1, text: 'export const answer = 41;' },
    ]);
    const literal = await session.call('git_grep', {
      pattern: '= 4',
      fixed_strings: true,
      path: 'README.md',
    });
    expect(literal.structured?.matches).toEqual([]);
    expect(literal.text).toBe('No matches');
  });

  it('git_ls_tree and git_read_file read a revision without the working tree', async () => {
    const top = await session.call('git_ls_tree', {});
    expect(list<{ path: string; type: string }>(top, 'entries').map((e) => [e.path, e.type])).toEqual([
      ['README.md', 'blob'],
      ['src', 'tree'],
    ]);
    const src = await session.call('git_ls_tree', { revision: 'feature', path: 'src' });
    expect(list<{ path: string }>(src, 'entries').map((e) => e.path)).toEqual([
      'src/extra.ts',
      'src/main.ts',
    ]);
    const file = await session.call('git_read_file', { path: 'src/main.ts', revision: first });
    expect(file.structured).toMatchObject({
      content: 'export const answer = 41;\n',
      revision: first,
      binary: false,
    });
    const absolute = await session.call('git_read_file', { path: path.join(repo, 'README.md') });
    expect(absolute.structured?.content).toBe('# App\n');
    const dir = await session.call('git_read_file', { path: 'src' });
    expect(dir.text).toContain('is a directory; use git_ls_tree');
  });

  it('cuts a diff longer than the output cap with a marker and says how to narrow it', async () => {
    const big = await connectGit([repo], { maxOutputBytes: 1024 });
    try {
      writeFileSync(path.join(repo, 'src/main.ts'), `${'x'.repeat(80)}\n`.repeat(100));
      const result = await big.call('git_diff_unstaged', {});
      expect(result.structured?.truncated).toBe(true);
      expect(result.structured?.diff).toMatch(/\[truncated: git printed more than 1024 bytes; pass path/);
    } finally {
      writeFileSync(path.join(repo, 'src/main.ts'), 'export const answer = 43;\n');
      await big.close();
    }
  });
});

describe('git server: repositories', () => {
  it('serves a bare repository', async () => {
    const bare = path.join(base, 'bare.git');
    git(base, ['clone', '--quiet', '--bare', repo, bare]);
    const s = await connectGit([bare]);
    try {
      const log = await s.call('git_log', { max_count: 1 });
      expect(hashes(log)[0]).toBe(second);
      expect((await s.call('git_read_file', { path: 'README.md' })).structured?.content).toBe('# App\n');
      expect((await s.call('git_grep', { pattern: 'answer' })).structured?.matches).toHaveLength(1);
      expect((await s.call('git_diff', { target: 'main~1..main' })).structured?.diff).toContain(
        'answer = 42',
      );
      const status = await s.call('git_status', {});
      expect(status.isError).toBe(true);
      expect(status.text).toContain('is a bare repository');
    } finally {
      await s.close();
    }
  });

  it('serves a linked worktree', async () => {
    const tree = path.join(base, 'feature-tree');
    git(repo, ['worktree', 'add', '--quiet', tree, 'feature']);
    const s = await connectGit([tree]);
    try {
      const status = await s.call('git_status', {});
      expect(status.structured).toMatchObject({ repository: tree, branch: 'feature', head: third });
      const log = await s.call('git_log', { max_count: 1 });
      expect(hashes(log)[0]).toBe(third);
    } finally {
      await s.close();
    }
  });

  it('asks for repo_path when there are several, and picks by path', async () => {
    const other = initRepo(path.join(base, 'other'));
    const otherHead = commit(other, { 'a.txt': 'a\n' }, 'other', '2024-01-01T00:00:00Z');
    const s = await connectGit([repo, other]);
    try {
      const missing = await s.call('git_log', {});
      expect(missing.isError).toBe(true);
      expect(missing.text).toContain('repo_path is required: this server has 2 repositories');
      const log = await s.call('git_log', { repo_path: other });
      expect(hashes(log)[0]).toBe(otherHead);
    } finally {
      await s.close();
    }
  });

  it('client roots narrow the repositories, never widen them', async () => {
    const other = path.join(base, 'other');
    const s = await connectGit([repo, other], { clientRoots: [other] });
    try {
      const outside = await s.call('git_log', { repo_path: repo });
      expect(outside.isError).toBe(true);
      expect(outside.text).toContain('is not one of the configured repositories');
      expect((await s.call('git_log', {})).isError).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('an empty repository has no history rather than an error', async () => {
    const empty = initRepo(path.join(base, 'empty'));
    const s = await connectGit([empty]);
    try {
      const log = await s.call('git_log', {});
      expect(log.isError).toBe(false);
      expect(hashes(log)).toEqual([]);
      expect((await s.call('git_status', {})).structured).toMatchObject({ branch: 'main', head: null });
    } finally {
      await s.close();
    }
  });

  it('names an unknown diff target or log revision in the error', async () => {
    const diff = await session.call('git_diff', { target: 'no-such-branch' });
    expect(diff.isError).toBe(true);
    expect(diff.text).toContain("git diff failed: bad revision 'no-such-branch'");
    const log = await session.call('git_log', { revision: 'no-such-branch' });
    expect(log.isError).toBe(true);
    expect(log.text).toContain("'no-such-branch'");
  });

  it('refuses at start a directory that is not a repository top level', async () => {
    await expect(connectGit([path.join(repo, 'src')])).rejects.toThrow(
      /not the top level|not a git repository/,
    );
    await expect(connectGit([path.join(base, 'nowhere')])).rejects.toThrow(/does not exist/);
    const plain = path.join(base, 'plain');
    initRepo(plain);
    rmSync(path.join(plain, '.git'), { recursive: true });
    await expect(connectGit([plain])).rejects.toThrow(/cannot be used: not a git repository/);
  });
});

describe('git server over stdio', () => {
  it('rampart git <repo> serves the tools to a spawned client', async () => {
    const s = await spawnRampart(['git', repo]);
    try {
      const log = await s.call('git_log', { repo_path: repo, max_count: 1 });
      expect(hashes(log)[0]).toBe(second);
    } finally {
      await s.close();
    }
  });
});
