import { serverProjectFiles } from '../common.js';
import { serverKey } from '../names.js';
import { readme } from '../readme.js';
import type { GenerateOptions, GitSpec } from '../spec.js';

const SERVER = `import { defineServer, openRepository, type ServerDefinition, type ToolDefinition } from 'rampart-mcp/toolkit';
import settings from './settings.json' with { type: 'json' };
import { gitLogTool } from './tools/git_log.js';
import { gitStatusTool } from './tools/git_status.js';

export async function createServer(repository: string): Promise<ServerDefinition> {
  const git = await openRepository(repository);
  const tools: ToolDefinition[] = [gitLogTool(git), gitStatusTool(git)];
  return defineServer({ name: settings.name, version: '0.1.0', instructions: settings.description, tools });
}
`;

const INDEX = `#!/usr/bin/env node
import { serveStdio } from 'rampart-mcp/toolkit';
import { createServer } from './server.js';
import settings from './settings.json' with { type: 'json' };

// Usage: node dist/src/index.js [repository]; without one, the repository chosen at generation.
await serveStdio(await createServer(process.argv[2] ?? settings.repository));
`;

const GIT_LOG = `import { checkRevision, defineTool, type OpenedRepository, READ_ONLY } from 'rampart-mcp/toolkit';
import { z } from 'zod';

export function gitLogTool({ runner, repository }: OpenedRepository) {
  return defineTool({
    name: 'git_log',
    title: 'Git log',
    description: 'Lists the newest commits reachable from a revision (default HEAD): id, author and subject.',
    input: z.object({
      revision: z.string().default('HEAD').describe('A branch, tag, commit id or expression such as HEAD~2'),
      max_count: z.number().int().min(1).max(100).default(10).describe('How many commits, at most 100'),
    }),
    output: z.object({
      commits: z.array(z.object({ id: z.string(), author: z.string(), subject: z.string() })),
    }),
    annotations: READ_ONLY,
    handler: async ({ revision, max_count }, { signal }) => {
      const args = ['log', \`--max-count=\${max_count}\`, '--format=%H%x00%an%x00%s', '--end-of-options'];
      const result = await runner.run(repository, [...args, checkRevision(revision)], { signal });
      const commits = result.stdout
        .toString('utf8')
        .split('\\n')
        .filter((line) => line.length > 0)
        .map((line) => {
          const [id = '', author = '', subject = ''] = line.split('\\u0000');
          return { id, author, subject };
        });
      return { commits };
    },
  });
}
`;

const GIT_STATUS = `import { defineTool, type OpenedRepository, READ_ONLY } from 'rampart-mcp/toolkit';
import { z } from 'zod';

export function gitStatusTool({ runner, repository }: OpenedRepository) {
  return defineTool({
    name: 'git_status',
    title: 'Git status',
    description: 'Lists changed, staged and untracked files of the working tree, in porcelain status codes.',
    input: z.object({}),
    output: z.object({
      entries: z.array(z.object({ status: z.string(), path: z.string() })),
    }),
    annotations: READ_ONLY,
    handler: async (_args, { signal }) => {
      const args = ['status', '--porcelain=v1', '-z', '--untracked-files=all'];
      const result = await runner.run(repository, args, { signal, readsWorkingTree: true });
      const entries = result.stdout
        .toString('utf8')
        .split('\\u0000')
        .filter((item) => item.length > 3)
        .map((item) => ({ status: item.slice(0, 2), path: item.slice(3) }));
      return { entries };
    },
  });
}
`;

const TEST = `import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectTestClient, type TestClient } from 'rampart-mcp/toolkit';
import { createServer } from '../src/server.js';

describe('the git server, through a real MCP client', () => {
  let repo: string;
  let marker: string;
  let client: TestClient;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], { cwd: repo });

  before(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'git-server-'));
    marker = path.join(repo, '..', \`\${path.basename(repo)}-pwned\`);
    git('init', '-q');
    await writeFile(path.join(repo, 'a.txt'), 'one');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'first commit');
    await writeFile(path.join(repo, 'b.txt'), 'untracked');
    // A hostile repository: its own config asks git to run programs.
    const touch = \`touch \${marker}\`;
    git('config', 'core.fsmonitor', touch);
    git('config', 'core.pager', touch);
    git('config', 'filter.evil.clean', touch);
    git('config', 'diff.external', touch);
    await writeFile(path.join(repo, '.gitattributes'), '* filter=evil\\n');
    client = await connectTestClient(await createServer(repo));
  });

  after(async () => {
    await client.close();
    await rm(repo, { recursive: true, force: true });
    await rm(marker, { force: true });
  });

  it('git_log lists the commits', async () => {
    const answer = await client.call('git_log', {});
    assert.equal(answer.isError, false, answer.text);
    const commits = answer.structured?.commits as { author: string; subject: string }[];
    assert.deepEqual(
      commits.map((c) => [c.author, c.subject]),
      [['Ada', 'first commit']],
    );
  });

  it('git_status lists the untracked file', async () => {
    const answer = await client.call('git_status', {});
    assert.equal(answer.isError, false, answer.text);
    const entries = answer.structured?.entries as { status: string; path: string }[];
    assert.ok(entries.some((e) => e.path === 'b.txt' && e.status === '??'));
  });

  it('does not run programs the repository config names (git config execution)', () => {
    assert.equal(existsSync(marker), false);
  });

  it('refuses an option smuggled in as a revision (argument injection)', async () => {
    const answer = await client.call('git_log', { revision: \`--output=\${marker}\` });
    assert.equal(answer.isError, true);
    assert.equal(existsSync(marker), false);
  });

  it('refuses a repository that is not one', async () => {
    await assert.rejects(createServer(path.join(repo, 'no-such-dir')));
  });
});
`;

/** A read-only git server over one repository: git_log and git_status through Rampart's hardened runner. */
export function gitProject(spec: GitSpec, options: GenerateOptions): Map<string, string> {
  const settings = { name: serverKey(spec.name), description: spec.description, repository: spec.repository };
  return new Map([
    ...serverProjectFiles(spec, options, [spec.repository]),
    ['src/settings.json', `${JSON.stringify(settings, null, 2)}\n`],
    ['src/index.ts', INDEX],
    ['src/server.ts', SERVER],
    ['src/tools/git_log.ts', GIT_LOG],
    ['src/tools/git_status.ts', GIT_STATUS],
    ['test/server.test.ts', TEST],
    [
      'README.md',
      readme(spec, {
        about: 'A read-only git server over one repository.',
        tools: [
          ['git_log', 'the newest commits from a revision'],
          ['git_status', 'changed, staged and untracked files'],
        ],
        refuses: [
          "programs named by the repository's own config: fsmonitor, pager, filters, external diff (git config execution)",
          'options smuggled in as revisions (`--output=…`)',
          'a path that is not a repository',
        ],
        args: [spec.repository],
      }),
    ],
  ]);
}
