import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commit, git, initRepo } from '../helpers/git.js';
import { connectGit, type Session, type TextResult } from '../helpers/mcp.js';

/**
 * Attacks on the git server: through its arguments (option injection, paths and repositories outside
 * the configured ones) and through a hostile repository whose own config names programs to run.
 * Every program a repository names is `hit <name>`, which leaves a marker file; a marker is a command run.
 */

let base: string;
let markers: string;
let hit: string;
let secretFile: string;

const SECRET = 'TOP-SECRET-CONTENT-7d1e';

function markersLeft(): string[] {
  return readdirSync(markers).sort();
}

/** Every file under `dir` with its size and modification time, to prove nothing was written. */
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const info = statSync(full);
        files.set(full, `${info.size}:${info.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return files;
}

/** One call of every tool, with each argument it takes, against the server's only repository. */
const EVERY_TOOL_CALL: [string, Record<string, unknown>][] = [
  ['git_status', {}],
  ['git_diff_unstaged', {}],
  ['git_diff_staged', {}],
  ['git_diff', { target: 'HEAD' }],
  ['git_diff', { target: 'HEAD~1..HEAD' }],
  ['git_log', { max_count: 5, path: 'data.txt' }],
  ['git_show', { revision: 'HEAD' }],
  ['git_branch', { branch_type: 'all', contains: 'HEAD' }],
  ['git_blame', { path: 'data.txt' }],
  ['git_grep', { pattern: 'line' }],
  ['git_grep', { pattern: 'line', revision: 'HEAD' }],
  ['git_ls_tree', { recursive: true }],
  ['git_read_file', { path: 'data.txt' }],
];

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-git-attacks-')));
  markers = path.join(base, 'markers');
  mkdirSync(markers);
  hit = path.join(base, 'hit');
  // Leaves a marker named by its first argument (by absolute paths, so a bare PATH cannot hide a run); as a filter it passes content through, as textconv it
  // prints the file, and as anything else (ssh, a pager, an external diff) it exits at once.
  writeFileSync(
    hit,
    `#!/bin/sh\n/usr/bin/touch "${markers}/$1"\ncase "$1" in\n  clean*|smudge*) exec /usr/bin/cat ;;\n  textconv) exec /usr/bin/cat "$2" ;;\n  *) exit 0 ;;\nesac\n`,
  );
  chmodSync(hit, 0o755);
  secretFile = path.join(base, 'secret.txt');
  writeFileSync(secretFile, `${SECRET}\nSecret Name <ada@example.com>\n`);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

beforeEach(() => {
  for (const marker of markersLeft()) rmSync(path.join(markers, marker));
});

/** A repository with two commits and a tracked file changed in place (same size, so git must read it). */
function plainRepo(name: string): string {
  const repo = initRepo(path.join(base, name));
  commit(repo, { 'data.txt': 'line one\n' }, 'first', '2024-01-01T00:00:00Z');
  commit(repo, { 'data.txt': 'line two\n', 'other.txt': 'other\n' }, 'second', '2024-01-02T00:00:00Z');
  return repo;
}

/** A repository whose attributes send every file through filter `driver`, with a change only that filter sees. */
function filteredRepo(name: string, driver: string): string {
  const repo = plainRepo(name);
  writeFileSync(path.join(repo, '.gitattributes'), `* filter=${driver}\n`);
  commit(repo, {}, 'attributes', '2024-01-03T00:00:00Z');
  writeFileSync(path.join(repo, 'data.txt'), 'line 2wo\n');
  return repo;
}

async function expectWorkingTreeToolsAnswer(session: Session): Promise<void> {
  for (const tool of ['git_status', 'git_diff_unstaged']) {
    expect((await session.call(tool, {})).isError, tool).toBe(false);
  }
}

function expectRefusedOrHarmless(result: TextResult, what: string): void {
  // Either outcome is acceptable; what matters is checked by the caller: no marker, no file, no leak.
  expect(typeof result.isError, what).toBe('boolean');
  expect(result.text, what).not.toContain(SECRET);
}

describe('git attacks: a hostile repository config', () => {
  let repo: string;

  beforeAll(() => {
    repo = plainRepo('hostile');
    writeFileSync(path.join(repo, '.gitattributes'), '* filter=evil diff=evil\nother.txt !diff\n');
    commit(repo, {}, 'attributes', '2024-01-03T00:00:00Z');
    const hooks = path.join(base, 'hooks');
    mkdirSync(hooks, { recursive: true });
    for (const name of ['post-checkout', 'post-index-change', 'reference-transaction', 'pre-auto-gc']) {
      writeFileSync(path.join(hooks, name), `#!/bin/sh\n/usr/bin/touch "${markers}/hook-${name}"\n`);
      chmodSync(path.join(hooks, name), 0o755);
    }
    const set = (key: string, value: string) => git(repo, ['config', key, value]);
    set('core.fsmonitor', `${hit} fsmonitor`);
    set('diff.external', `${hit} external`);
    set('core.pager', `${hit} pager`);
    set('pager.log', `${hit} pager-log`);
    set('filter.evil.clean', `${hit} clean`);
    set('filter.evil.smudge', `${hit} smudge`);
    set('diff.evil.textconv', `${hit} textconv`);
    set('diff.evil.command', `${hit} diff-command`);
    set('core.sshCommand', `${hit} ssh`);
    set('core.hooksPath', hooks);
    set('log.showSignature', 'true');
    set('gpg.program', `${hit} gpg`);
    set('mailmap.file', secretFile);
    set('remote.origin.url', 'ssh://git@127.0.0.1:9/nowhere.git');
    // Same size, new content: git cannot tell from stat alone and has to read (and would filter) the file.
    writeFileSync(path.join(repo, 'data.txt'), 'line 2wo\n');
  });

  it('is armed: plain git on the same repository runs the commands it names', () => {
    git(repo, ['status', '--short']);
    git(repo, ['diff']);
    git(repo, ['diff', '--no-ext-diff']);
    // other.txt has no diff driver, so a change to it goes to diff.external; checking it out again runs smudge.
    writeFileSync(path.join(repo, 'other.txt'), 'changed\n');
    git(repo, ['diff', '--', 'other.txt']);
    git(repo, ['checkout', 'HEAD', '--', 'other.txt']);
    try {
      git(repo, ['ls-remote', 'origin']);
    } catch {
      // The fake ssh cannot speak git; running it is what this shows.
    }
    // Every command the config names except the pager: git pages only to a terminal, which neither this test
    // nor the server has (and core.pager is overridden anyway).
    expect(markersLeft()).toEqual(
      expect.arrayContaining(['clean', 'diff-command', 'external', 'fsmonitor', 'smudge', 'ssh', 'textconv']),
    );
    // And mailmap reads the outside file: plain blame shows the name it maps to.
    expect(git(repo, ['log', '-1', '--format=%aN'])).toContain('Secret Name');
  });

  it('runs none of fsmonitor, external diff, pager, filters, textconv, ssh, hooks or gpg from any tool, and writes nothing', async () => {
    const before = snapshot(path.join(repo, '.git'));
    const session = await connectGit([repo]);
    try {
      for (const [tool, args] of EVERY_TOOL_CALL) {
        const result = await session.call(tool, args);
        expect(result.isError, `${tool} ${JSON.stringify(args)}: ${result.text}`).toBe(false);
        expect(result.text, tool).not.toContain(SECRET);
        expect(result.text, tool).not.toContain('Secret Name');
      }
    } finally {
      await session.close();
    }
    expect(markersLeft()).toEqual([]);
    expect(changedFiles(before, snapshot(path.join(repo, '.git')))).toEqual([]);
  });

  it('still reports the change the filters would have hidden', async () => {
    const session = await connectGit([repo]);
    try {
      const status = await session.call('git_status', {});
      expect(status.structured?.unstaged).toEqual([{ path: 'data.txt', status: 'modified' }]);
      const diff = await session.call('git_diff_unstaged', {});
      expect(diff.structured?.diff).toContain('+line 2wo');
    } finally {
      await session.close();
    }
    expect(markersLeft()).toEqual([]);
  });

  it('refuses git_blame while blame.ignoreRevsFile names a file outside the repository (git would quote it)', async () => {
    const repo = plainRepo('ignore-revs');
    git(repo, ['config', 'blame.ignoreRevsFile', secretFile]);
    expect(() => git(repo, ['blame', 'data.txt'])).toThrow(SECRET);
    const session = await connectGit([repo]);
    try {
      const blame = await session.call('git_blame', { path: 'data.txt' });
      expect(blame.isError).toBe(true);
      expect(blame.text).toContain('sets blame.ignoreRevsFile');
      expect(blame.text).not.toContain(SECRET);
      symlinkSync(secretFile, path.join(repo, 'ignore-link'));
      git(repo, ['config', 'blame.ignoreRevsFile', 'ignore-link']);
      expect((await session.call('git_blame', { path: 'data.txt' })).text).toContain(
        'sets blame.ignoreRevsFile',
      );
      writeFileSync(path.join(repo, '.git-blame-ignore-revs'), '');
      git(repo, ['config', 'blame.ignoreRevsFile', '.git-blame-ignore-revs']);
      expect((await session.call('git_blame', { path: 'data.txt' })).isError).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('a filter driver whose name contains "=" is switched off too', async () => {
    const odd = filteredRepo('odd-driver', 'a=b');
    git(odd, ['config', 'filter.a=b.clean', `${hit} clean-odd`]);
    git(odd, ['status', '--short']);
    expect(markersLeft()).toContain('clean-odd');
    rmSync(path.join(markers, 'clean-odd'));
    const session = await connectGit([odd]);
    try {
      await expectWorkingTreeToolsAnswer(session);
    } finally {
      await session.close();
    }
    expect(markersLeft()).toEqual([]);
  });

  it('a filter configured after the server started is switched off too', async () => {
    const late = filteredRepo('late-filter', 'late');
    const session = await connectGit([late]);
    try {
      await expectWorkingTreeToolsAnswer(session);
      git(late, ['config', 'filter.late.clean', `${hit} clean-late`]);
      await expectWorkingTreeToolsAnswer(session);
    } finally {
      await session.close();
    }
    expect(markersLeft()).toEqual([]);
    git(late, ['status', '--short']);
    expect(markersLeft()).toEqual(['clean-late']);
  });

  it('a filter added after start to a file the config includes is switched off too', async () => {
    const late = filteredRepo('late-include', 'late');
    const included = path.join(base, 'late-included.config');
    writeFileSync(included, '');
    git(late, ['config', 'include.path', included]);
    const session = await connectGit([late]);
    try {
      await expectWorkingTreeToolsAnswer(session);
      writeFileSync(included, `[filter "late"]\n\tclean = ${hit} clean-included\n`);
      await expectWorkingTreeToolsAnswer(session);
    } finally {
      await session.close();
    }
    expect(markersLeft()).toEqual([]);
    git(late, ['status', '--short']);
    expect(markersLeft()).toEqual(['clean-included']);
  });

  it("a partial clone's lazy fetch cannot reach a remote or run core.sshCommand", async () => {
    const partial = plainRepo('partial');
    const blob = git(partial, ['rev-parse', 'HEAD:data.txt']).trim();
    git(partial, ['config', 'core.repositoryformatversion', '1']);
    git(partial, ['config', 'extensions.partialClone', 'origin']);
    git(partial, ['config', 'remote.origin.url', 'ssh://git@127.0.0.1:9/nowhere.git']);
    git(partial, ['config', 'remote.origin.promisor', 'true']);
    git(partial, ['config', 'core.sshCommand', `${hit} lazy-ssh`]);
    rmSync(path.join(partial, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    try {
      git(partial, ['cat-file', '-p', blob]);
    } catch {
      // The fetch fails; that it tried is the point.
    }
    expect(markersLeft()).toContain('lazy-ssh');
    rmSync(path.join(markers, 'lazy-ssh'));
    const session = await connectGit([partial]);
    try {
      const read = await session.call('git_read_file', { path: 'data.txt' });
      expect(read.isError).toBe(true);
      await session.call('git_show', { revision: 'HEAD' });
      await session.call('git_grep', { pattern: 'line', revision: 'HEAD' });
    } finally {
      await session.close();
    }
    expect(markersLeft()).toEqual([]);
  });

  it("a partial clone's lazy fetch cannot pull objects from another repository on disk", async () => {
    const source = plainRepo('promisor-source');
    const partial = path.join(base, 'promisor-partial');
    git(base, ['clone', '--quiet', '--no-local', source, partial]);
    const blob = git(partial, ['rev-parse', 'HEAD:data.txt']).trim();
    git(partial, ['repack', '-a', '-d', '--quiet']);
    // Drop the blob from the clone's only pack by rebuilding it without that object.
    const keep = git(partial, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'])
      .split('\n')
      .filter((id) => id && id !== blob);
    const packDir = path.join(partial, '.git', 'objects', 'pack');
    const newPacks = path.join(base, 'promisor-new-pack');
    mkdirSync(newPacks);
    execFileSync('git', ['pack-objects', '--quiet', path.join(newPacks, 'pack')], {
      cwd: partial,
      input: `${keep.join('\n')}\n`,
      env: { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    for (const file of readdirSync(packDir)) rmSync(path.join(packDir, file));
    for (const file of readdirSync(newPacks)) renameSync(path.join(newPacks, file), path.join(packDir, file));
    // Only now a partial clone (earlier, packing would itself have fetched the blob back).
    git(partial, ['config', 'core.repositoryformatversion', '1']);
    git(partial, ['config', 'extensions.partialClone', 'origin']);
    git(partial, ['config', 'remote.origin.promisor', 'true']);
    git(partial, ['config', 'remote.origin.url', `file://${source}`]);
    const before = snapshot(path.join(partial, '.git'));
    const session = await connectGit([partial]);
    try {
      const read = await session.call('git_read_file', { path: 'data.txt' });
      expect(read.isError).toBe(true);
      expect(read.text).not.toContain('line two');
    } finally {
      await session.close();
    }
    expect(changedFiles(before, snapshot(path.join(partial, '.git')))).toEqual([]);
    // Plain git fetches the missing blob from the other repository without being asked.
    expect(git(partial, ['cat-file', '-p', blob])).toBe('line two\n');
  });
});

describe('git attacks: arguments', () => {
  let repo: string;
  let session: Session;
  let outFile: string;

  beforeAll(async () => {
    repo = plainRepo('args');
    outFile = path.join(markers, 'out');
    session = await connectGit([repo]);
  });

  afterAll(async () => {
    await session.close();
  });

  it('refuses git_diff target="--output=/tmp/x" and writes no file', async () => {
    const result = await session.call('git_diff', { target: `--output=${outFile}` });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('starts with "-"; options cannot be passed as a revision');
    const ranged = await session.call('git_diff', { target: `HEAD..--output=${outFile}` });
    expect(ranged.isError).toBe(true);
    expect(markersLeft()).toEqual([]);
  });

  it('never passes an option-looking value in any ref, path or pattern argument as an option', async () => {
    const values = [
      `--output=${outFile}`,
      `-o${outFile}`,
      `--open-files-in-pager=${hit} pager-o`,
      `-O${hit} pager-o`,
      `--ext-diff`,
      `--textconv`,
      `--upload-pack=${hit} upload`,
      `--exec=${hit} exec`,
    ];
    const slots: [string, string, Record<string, unknown>][] = [
      ['git_diff', 'target', {}],
      ['git_diff', 'path', { target: 'HEAD~1..HEAD' }],
      ['git_diff_unstaged', 'path', {}],
      ['git_diff_staged', 'path', {}],
      ['git_log', 'revision', {}],
      ['git_log', 'path', {}],
      ['git_log', 'start_timestamp', {}],
      ['git_log', 'end_timestamp', {}],
      ['git_show', 'revision', {}],
      ['git_branch', 'contains', {}],
      ['git_branch', 'not_contains', {}],
      ['git_blame', 'revision', { path: 'data.txt' }],
      ['git_blame', 'path', {}],
      ['git_grep', 'pattern', {}],
      ['git_grep', 'revision', { pattern: 'line' }],
      ['git_grep', 'path', { pattern: 'line' }],
      ['git_ls_tree', 'revision', {}],
      ['git_ls_tree', 'path', {}],
      ['git_read_file', 'revision', { path: 'data.txt' }],
      ['git_read_file', 'path', {}],
      ['git_status', 'repo_path', {}],
    ];
    for (const [tool, slot, rest] of slots) {
      for (const value of values) {
        const result = await session.call(tool, { ...rest, [slot]: value });
        expectRefusedOrHarmless(result, `${tool}.${slot}=${value}`);
        if (slot !== 'pattern' && !slot.endsWith('timestamp') && !result.isError) {
          // A path or ref that is not refused can only have been taken literally: nothing matches it.
          expect(JSON.stringify(result.structured), `${tool}.${slot}=${value}`).not.toContain('line two');
        }
      }
    }
    expect(markersLeft()).toEqual([]);
  });

  it('refuses git_read_file of ../../etc/passwd and of an absolute path outside the repository', async () => {
    for (const attempt of ['../../etc/passwd', '/etc/passwd', 'src/../../x', secretFile]) {
      const result = await session.call('git_read_file', { path: attempt });
      expect(result.isError, attempt).toBe(true);
      expect(result.text, attempt).toMatch(/contains "\.\."|is outside the repository/);
      expect(result.text).not.toContain('root:');
      expect(result.text).not.toContain(SECRET);
    }
    const blame = await session.call('git_blame', { path: '../secret.txt' });
    expect(blame.isError).toBe(true);
  });

  it('refuses a revision that smuggles a path (HEAD:../../etc/passwd) or searches messages (:/x)', async () => {
    for (const revision of ['HEAD:../../etc/passwd', ':/second', 'HEAD\nother']) {
      const result = await session.call('git_show', { revision });
      expect(result.isError, revision).toBe(true);
    }
  });
});

describe('git attacks: repositories outside the configured ones', () => {
  let repo: string;
  let secretRepo: string;
  let session: Session;

  beforeAll(async () => {
    repo = plainRepo('allowed');
    secretRepo = initRepo(path.join(base, 'secret-repo'));
    commit(secretRepo, { 'key.txt': `${SECRET}\n` }, 'secret', '2024-01-01T00:00:00Z');
    symlinkSync(secretRepo, path.join(repo, 'escape'));
    symlinkSync(secretRepo, path.join(base, 'looks-allowed'));
    session = await connectGit([repo]);
  });

  afterAll(async () => {
    await session.close();
  });

  it('refuses repo_path outside the configured repositories, directly and through a symlink', async () => {
    for (const repoPath of [
      secretRepo,
      path.join(repo, 'escape'),
      path.join(base, 'looks-allowed'),
      `${repo}/../secret-repo`,
      '/',
    ]) {
      for (const [tool, args] of [
        ['git_log', {}],
        ['git_read_file', { path: 'key.txt' }],
        ['git_grep', { pattern: 'SECRET' }],
      ] as const) {
        const result = await session.call(tool, { ...args, repo_path: repoPath });
        expect(result.isError, `${tool} ${repoPath}`).toBe(true);
        expect(result.text).toContain('is not one of the configured repositories');
        expect(result.text).not.toContain(SECRET);
      }
    }
  });

  it('does not follow a tracked symbolic link out of the repository', async () => {
    const linked = plainRepo('tracked-link');
    symlinkSync(secretFile, path.join(linked, 'leak'));
    commit(linked, {}, 'add a link', '2024-01-05T00:00:00Z');
    const s = await connectGit([linked]);
    try {
      const grep = await s.call('git_grep', { pattern: 'SECRET' });
      expect(grep.structured?.matches).toEqual([]);
      const read = await s.call('git_read_file', { path: 'leak' });
      expect(read.structured?.content).toBe(secretFile);
    } finally {
      await s.close();
    }
  });

  it('refuses at start a repository whose core.worktree points elsewhere', async () => {
    const moved = plainRepo('moved-worktree');
    git(moved, ['config', 'core.worktree', secretRepo]);
    await expect(connectGit([moved])).rejects.toThrow(/not the top level of its working tree/);
  });

  it('a core.worktree added after start cannot redirect the working tree', async () => {
    const later = plainRepo('later-worktree');
    const s = await connectGit([later]);
    try {
      git(later, ['config', 'core.worktree', secretRepo]);
      const grep = await s.call('git_grep', { pattern: 'TOP-SECRET' });
      expect(grep.structured?.matches).toEqual([]);
      const status = await s.call('git_status', {});
      expect(JSON.stringify(status.structured)).not.toContain('key.txt');
    } finally {
      await s.close();
    }
  });
});
