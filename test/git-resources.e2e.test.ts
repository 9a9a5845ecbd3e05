import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryNames } from '../src/servers/git/resources.js';
import type { GitRepository } from '../src/servers/git/runner.js';
import { auditRecordsWhen } from './helpers/audit.js';
import { commit, git, initRepo } from './helpers/git.js';
import { connectGit, type Session, spawnRampart } from './helpers/mcp.js';

type Contents = { uri: string; mimeType?: string; text?: string; blob?: string };

let base: string;
let app: string;
let lib: string;
let first: string;
let auditLog: string;
let session: Session;

async function read(uri: string): Promise<Contents> {
  return (await session.client.readResource({ uri })).contents[0] as Contents;
}

async function readJson<T>(uri: string): Promise<T> {
  return JSON.parse((await read(uri)).text ?? '') as T;
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-git-resources-')));
  app = initRepo(path.join(base, 'app'));
  first = commit(
    app,
    { 'README.md': '# App v1\n', 'src/main.ts': 'export const answer = 41;\n' },
    'Start the app',
    '2024-01-10T10:00:00Z',
  );
  git(app, ['tag', 'v1']);
  writeFileSync(path.join(app, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]));
  symlinkSync('../outside.txt', path.join(app, 'escape-link'));
  commit(app, { 'README.md': '# App v2\n' }, 'Second version', '2024-02-10T10:00:00Z');
  git(app, ['branch', 'feature/x']);
  writeFileSync(path.join(app, 'untracked.txt'), 'new\n');
  writeFileSync(path.join(base, 'outside.txt'), 'outside the repository\n');
  lib = initRepo(path.join(base, 'lib'));
  for (let i = 0; i < 55; i++) {
    git(lib, ['commit', '--quiet', '--allow-empty', '--no-verify', '-m', `commit ${i}`], {
      GIT_AUTHOR_DATE: `2024-03-01T10:${String(i).padStart(2, '0')}:00Z`,
      GIT_COMMITTER_DATE: `2024-03-01T10:${String(i).padStart(2, '0')}:00Z`,
    });
  }
  initRepo(path.join(base, 'secret'));
  auditLog = path.join(base, 'audit.jsonl');
  session = await connectGit([app, lib], { auditLog });
});

afterAll(async () => {
  await session?.close();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('git resources through a real MCP client', () => {
  it('lists status, log and branches of each configured repository, and the four templates', async () => {
    const listed = (await session.client.listResources()).resources.map((r) => r.uri);
    for (const repo of ['app', 'lib'])
      for (const view of ['status', 'log', 'branches']) expect(listed).toContain(`git://${repo}/${view}`);
    expect(listed.some((uri) => uri.includes('secret'))).toBe(false);
    const templates = (await session.client.listResourceTemplates()).resourceTemplates.map(
      (t) => t.uriTemplate,
    );
    expect(templates.sort()).toEqual([
      'git://{repo}/blob/{rev}/{+path}',
      'git://{repo}/branches',
      'git://{repo}/log',
      'git://{repo}/status',
    ]);
  });

  it('reads git://{repo}/status: branch, head and untracked files', async () => {
    const status = await readJson<{ branch: string; head: string; untracked: string[] }>('git://app/status');
    expect(status.branch).toBe('main');
    expect(status.head).toMatch(/^[0-9a-f]{40}$/);
    expect(status.untracked).toEqual(['untracked.txt']);
  });

  it('reads git://{repo}/log: the last 50 commits, newest first', async () => {
    const log = await readJson<{ commits: { subject: string }[] }>('git://lib/log');
    expect(log.commits).toHaveLength(50);
    expect(log.commits[0]?.subject).toBe('commit 54');
    const appLog = await readJson<{ commits: { hash: string }[] }>('git://app/log');
    expect(appLog.commits.map((c) => c.hash).at(-1)).toBe(first);
  });

  it('reads git://{repo}/branches: every branch and the current one', async () => {
    const { branches } = await readJson<{ branches: { name: string; current: boolean }[] }>(
      'git://app/branches',
    );
    expect(branches.map((b) => b.name).sort()).toEqual(['feature/x', 'main']);
    expect(branches.find((b) => b.current)?.name).toBe('main');
  });

  it('reads git://{repo}/blob/{rev}/{+path}: text at a branch, a tag, a commit, and binary as a blob', async () => {
    expect(await read('git://app/blob/main/README.md')).toMatchObject({
      mimeType: 'text/markdown',
      text: '# App v2\n',
    });
    expect((await read('git://app/blob/v1/README.md')).text).toBe('# App v1\n');
    expect((await read(`git://app/blob/${first}/src/main.ts`)).text).toBe('export const answer = 41;\n');
    expect((await read('git://app/blob/feature%2Fx/README.md')).text).toBe('# App v2\n');
    const logo = await read('git://app/blob/HEAD/logo.png');
    expect(logo.mimeType).toBe('image/png');
    expect(logo.text).toBeUndefined();
    expect(Buffer.from(logo.blob ?? '', 'base64')).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]),
    );
  });

  it('completes {repo} from the configured repositories and {rev} from branches and tags', async () => {
    const ref = { type: 'ref/resource' as const, uri: 'git://{repo}/blob/{rev}/{+path}' };
    const repos = await session.client.complete({ ref, argument: { name: 'repo', value: '' } });
    expect(repos.completion.values).toEqual(['app', 'lib']);
    const revs = await session.client.complete({
      ref,
      argument: { name: 'rev', value: '' },
      context: { arguments: { repo: 'app' } },
    });
    expect(revs.completion.values).toEqual(expect.arrayContaining(['HEAD', 'main', 'feature/x', 'v1']));
    const narrowed = await session.client.complete({
      ref,
      argument: { name: 'rev', value: 'fe' },
      context: { arguments: { repo: 'app' } },
    });
    expect(narrowed.completion.values).toEqual(['feature/x']);
    const statusRepos = await session.client.complete({
      ref: { type: 'ref/resource', uri: 'git://{repo}/status' },
      argument: { name: 'repo', value: 'l' },
    });
    expect(statusRepos.completion.values).toEqual(['lib']);
  });

  it('declares the completions capability', () => {
    expect(session.client.getServerCapabilities()?.completions).toBeDefined();
  });

  it('serves the same resources from a spawned rampart git over stdio', async () => {
    const spawned = await spawnRampart(['git', app, '--log-level', 'silent']);
    try {
      const templates = (await spawned.client.listResourceTemplates()).resourceTemplates;
      expect(templates.map((t) => t.uriTemplate)).toContain('git://{repo}/blob/{rev}/{+path}');
      const blob = await spawned.client.readResource({ uri: 'git://app/blob/v1/README.md' });
      expect((blob.contents[0] as Contents).text).toBe('# App v1\n');
    } finally {
      await spawned.close();
    }
  });
});

describe('git resources refuse what the tools refuse', () => {
  it('refuses a repository that is not configured', async () => {
    await expect(read('git://secret/status')).rejects.toThrow(
      /repo "secret" is not one of the configured repositories \(app, lib\)/,
    );
    await expect(read('git://secret/blob/HEAD/README.md')).rejects.toThrow(/not one of the configured/);
    await expect(
      session.client.complete({
        ref: { type: 'ref/resource', uri: 'git://{repo}/blob/{rev}/{+path}' },
        argument: { name: 'rev', value: '' },
        context: { arguments: { repo: 'secret' } },
      }),
    ).rejects.toThrow(/not one of the configured/);
  });

  it('refuses a rev that looks like an option (argument injection)', async () => {
    const pwned = path.join(base, 'pwned');
    for (const rev of [`--output=${pwned}`, '-p', `--upload-pack=touch ${pwned}`]) {
      await expect(read(`git://app/blob/${encodeURIComponent(rev)}/README.md`)).rejects.toThrow(
        /rev ".*" starts with "-"; options cannot be passed as a revision/,
      );
    }
    expect(existsSync(pwned)).toBe(false);
    await expect(
      session.client.complete({
        ref: { type: 'ref/resource', uri: 'git://{repo}/blob/{rev}/{+path}' },
        argument: { name: 'rev', value: '--output' },
        context: { arguments: { repo: 'app' } },
      }),
    ).resolves.toMatchObject({ completion: { values: [] } });
  });

  it('refuses a blob path that escapes the repository', async () => {
    await expect(read('git://app/blob/HEAD/..%2Foutside.txt')).rejects.toThrow(/contains "\.\."/);
    await expect(read('git://app/blob/HEAD/src%2F..%2F..%2Foutside.txt')).rejects.toThrow(/contains "\.\."/);
    await expect(read(`git://app/blob/HEAD/${path.join(base, 'outside.txt')}`)).rejects.toThrow(
      /is outside the repository/,
    );
    // A committed symbolic link is read as the link, never followed out of the repository.
    expect((await read('git://app/blob/HEAD/escape-link')).text).toBe('../outside.txt');
  });

  it('refuses a blob path whose segments contain "..", for any such path', async () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 3 }),
        fc.array(segment, { maxLength: 3 }),
        async (before, after) => {
          const relative = [...before, '..', ...after, 'outside.txt'].join('/');
          await expect(read(`git://app/blob/HEAD/${encodeURIComponent(relative)}`)).rejects.toThrow(
            /contains "\.\."/,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a file larger than the output cap rather than cutting it short', async () => {
    const big = initRepo(path.join(base, 'big'));
    commit(big, { 'large.txt': 'x'.repeat(4096) }, 'Large file', '2024-01-10T10:00:00Z');
    const small = await connectGit([big], { maxOutputBytes: 1024 });
    try {
      await expect(small.client.readResource({ uri: 'git://big/blob/HEAD/large.txt' })).rejects.toThrow(
        /"large.txt" is 4096 bytes at HEAD; the limit is 1024/,
      );
    } finally {
      await small.close();
    }
  });

  it('audits each resource read with its URI and outcome, refusals included', async () => {
    await read('git://app/status');
    await read('git://app/blob/-p/README.md').catch(() => undefined);
    const records = await auditRecordsWhen(
      auditLog,
      (r) => r.tool === 'resource:blob' && (r.args as { uri: string }).uri === 'git://app/blob/-p/README.md',
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        server: 'git',
        tool: 'resource:repository-status',
        client: 'rampart-test',
        args: { uri: 'git://app/status' },
        outcome: 'ok',
        ms: expect.any(Number),
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        tool: 'resource:blob',
        args: { uri: 'git://app/blob/-p/README.md' },
        outcome: 'refused',
        message: expect.stringContaining('starts with "-"'),
      }),
    );
  });
});

describe('repository names in git:// URIs', () => {
  const repository = (root: string): GitRepository => ({
    given: root,
    root,
    gitDir: `${root}/.git`,
    commonDir: root,
  });

  it('are unique, kept as they are by the URL parser, and in configured order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
        (bases) => {
          const repos = bases.map((b, i) => repository(`/srv/${i}/${b.replaceAll('/', '_')}`));
          const named = repositoryNames(repos);
          expect(named.size).toBe(repos.length);
          expect([...named.values()]).toEqual(repos);
          for (const name of named.keys()) {
            expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
            expect(new URL(`git://${name}/status`).host).toBe(name);
          }
        },
      ),
    );
  });
});
