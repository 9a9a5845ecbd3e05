import { serverProjectFiles } from '../common.js';
import { serverKey } from '../names.js';
import { readme } from '../readme.js';
import type { FsSpec, GenerateOptions } from '../spec.js';

const SERVER = `import { defineServer, openSandbox, type ServerDefinition, type ToolDefinition } from 'rampart-mcp/toolkit';
import settings from './settings.json' with { type: 'json' };
import { listDirectoryTool } from './tools/list_directory.js';
import { readFileTool } from './tools/read_file.js';
WRITE_IMPORT
export interface ServerOptions {
  /** Directories the tools may reach; nothing outside them is read or written. */
  readonly roots: readonly string[];
  /** Leaves the write tools out entirely. */
  readonly readOnly: boolean;
}

export async function createServer(options: ServerOptions): Promise<ServerDefinition> {
  const sandbox = await openSandbox(options.roots);
  const tools: ToolDefinition[] = [readFileTool(sandbox), listDirectoryTool(sandbox)];
WRITE_REGISTER  return defineServer({ name: settings.name, version: '0.1.0', instructions: settings.description, tools });
}
`;

const INDEX = `#!/usr/bin/env node
import { serveStdio } from 'rampart-mcp/toolkit';
import { createServer } from './server.js';
import settings from './settings.json' with { type: 'json' };

// Usage: node dist/src/index.js [--read-only] [dir...]; without dirs, the ones chosen at generation.
const args = process.argv.slice(2);
const dirs = args.filter((arg) => arg !== '--read-only');
const server = await createServer({
  roots: dirs.length > 0 ? dirs : settings.roots,
  readOnly: settings.readOnly || args.includes('--read-only'),
});
await serveStdio(server);
`;

const READ_FILE = `import { defineTool, READ_ONLY, readTextInSandbox, type Sandbox } from 'rampart-mcp/toolkit';
import { z } from 'zod';

const MAX_BYTES = 1024 * 1024;

export function readFileTool(sandbox: Sandbox) {
  return defineTool({
    name: 'read_file',
    title: 'Read file',
    description: 'Reads a UTF-8 text file inside the allowed directories, at most 1 MiB of it.',
    input: z.object({
      path: z.string().describe('Path of the file: absolute, or relative to the first allowed directory'),
    }),
    output: z.object({
      content: z.string().describe('The text read'),
      truncated: z.boolean().describe('True when the file is longer than what was read'),
    }),
    annotations: READ_ONLY,
    handler: async ({ path }) => {
      const { text, truncated } = await readTextInSandbox(sandbox, path, MAX_BYTES);
      return { content: text, truncated };
    },
  });
}
`;

const LIST_DIRECTORY = `import { defineTool, listDirectoryInSandbox, READ_ONLY, type Sandbox } from 'rampart-mcp/toolkit';
import { z } from 'zod';

export function listDirectoryTool(sandbox: Sandbox) {
  return defineTool({
    name: 'list_directory',
    title: 'List directory',
    description: 'Lists the entries of a directory inside the allowed directories, with their types.',
    input: z.object({
      path: z.string().describe('Path of the directory: absolute, or relative to the first allowed directory'),
    }),
    output: z.object({
      entries: z
        .array(z.object({ name: z.string(), type: z.enum(['file', 'directory', 'other']) }))
        .describe('The entries, sorted by name'),
    }),
    annotations: READ_ONLY,
    handler: async ({ path }) => ({ entries: await listDirectoryInSandbox(sandbox, path) }),
  });
}
`;

const WRITE_FILE = `import { defineTool, type Sandbox, writeTextInSandbox } from 'rampart-mcp/toolkit';
import { z } from 'zod';

export function writeFileTool(sandbox: Sandbox) {
  return defineTool({
    name: 'write_file',
    title: 'Write file',
    description:
      'Creates or replaces a UTF-8 text file inside the allowed directories. The write is atomic and never follows a link.',
    input: z.object({
      path: z.string().describe('Path of the file: absolute, or relative to the first allowed directory'),
      content: z.string().describe('The whole new content'),
    }),
    output: z.object({ created: z.boolean().describe('True when the file did not exist before') }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async ({ path, content }) => writeTextInSandbox(sandbox, path, content),
  });
}
`;

function serverTest(readOnly: boolean): string {
  const writes = readOnly
    ? ''
    : `
  it('write_file writes a new file inside the root', async () => {
    const answer = await client.call('write_file', { path: 'new.txt', content: 'written' });
    assert.equal(answer.isError, false, answer.text);
    assert.equal(await readFile(path.join(root, 'new.txt'), 'utf8'), 'written');
  });

  it('refuses to write outside the roots through ../ (path traversal)', async () => {
    const answer = await client.call('write_file', { path: '../escaped.txt', content: 'x' });
    assert.equal(answer.isError, true);
    assert.match(answer.text, /outside the allowed/);
  });

  it('refuses to write through a symlink that points outside the roots', async () => {
    const answer = await client.call('write_file', { path: 'outside-link/planted.txt', content: 'x' });
    assert.equal(answer.isError, true);
    assert.equal(existsSync(path.join(outside, 'planted.txt')), false);
  });
`;
  return `import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectTestClient, type TestClient } from 'rampart-mcp/toolkit';
import { createServer } from '../src/server.js';

describe('the fs server, through a real MCP client', () => {
  let base: string;
  let root: string;
  let outside: string;
  let client: TestClient;

  before(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'fs-server-'));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(path.join(root, 'hello.txt'), 'hello');
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await symlink(outside, path.join(root, 'outside-link'));
    client = await connectTestClient(await createServer({ roots: [root], readOnly: ${readOnly} }));
  });

  after(async () => {
    await client.close();
    await rm(base, { recursive: true, force: true });
  });

  it('read_file reads a file inside the root', async () => {
    const answer = await client.call('read_file', { path: 'hello.txt' });
    assert.equal(answer.isError, false, answer.text);
    assert.deepEqual(answer.structured, { content: 'hello', truncated: false });
  });

  it('list_directory lists the root', async () => {
    const answer = await client.call('list_directory', { path: '.' });
    assert.equal(answer.isError, false, answer.text);
    const names = ((answer.structured?.entries ?? []) as { name: string }[]).map((e) => e.name);
    assert.deepEqual(names, ['hello.txt', 'outside-link', 'secret-link']);
  });

  it('refuses path traversal (../../etc/passwd)', async () => {
    const answer = await client.call('read_file', { path: '../../../../../../etc/passwd' });
    assert.equal(answer.isError, true);
    assert.match(answer.text, /outside the allowed/);
    assert.doesNotMatch(answer.text, /root:/);
  });

  it('refuses an absolute path outside the roots (/etc/passwd)', async () => {
    const answer = await client.call('read_file', { path: '/etc/passwd' });
    assert.equal(answer.isError, true);
    assert.doesNotMatch(answer.text, /root:/);
  });

  it('refuses a symlink that points outside the roots', async () => {
    const answer = await client.call('read_file', { path: 'secret-link' });
    assert.equal(answer.isError, true);
    assert.doesNotMatch(answer.text, /secret$/);
  });

  it('refuses to list a directory reached through a symlink outside the roots', async () => {
    const answer = await client.call('list_directory', { path: 'outside-link' });
    assert.equal(answer.isError, true);
  });

  it('refuses a NUL byte in a path', async () => {
    const answer = await client.call('read_file', { path: 'hello.txt\\u0000.png' });
    assert.equal(answer.isError, true);
  });
${writes}
  it('registers no write tool when read-only', async () => {
    const readOnly = await connectTestClient(await createServer({ roots: [root], readOnly: true }));
    try {
      assert.deepEqual((await readOnly.toolNames()).sort(), ['list_directory', 'read_file']);
      await assert.rejects(readOnly.call('write_file', { path: 'x.txt', content: 'x' }), /write_file/);
    } finally {
      await readOnly.close();
    }
  });
});
`;
}

/** A sandboxed filesystem server: read_file, list_directory and (unless read-only) write_file. */
export function fsProject(spec: FsSpec, options: GenerateOptions): Map<string, string> {
  const writes = !spec.readOnly;
  const server = SERVER.replace(
    'WRITE_IMPORT\n',
    writes ? "import { writeFileTool } from './tools/write_file.js';\n\n" : '\n',
  ).replace('WRITE_REGISTER', writes ? '  if (!options.readOnly) tools.push(writeFileTool(sandbox));\n' : '');
  const files = new Map<string, string>([
    ...serverProjectFiles(spec, options, spec.roots),
    [
      'src/settings.json',
      `${JSON.stringify({ name: serverKey(spec.name), description: spec.description, roots: spec.roots, readOnly: spec.readOnly }, null, 2)}\n`,
    ],
    ['src/index.ts', INDEX],
    ['src/server.ts', server],
    ['src/tools/read_file.ts', READ_FILE],
    ['src/tools/list_directory.ts', LIST_DIRECTORY],
    ['test/server.test.ts', serverTest(spec.readOnly)],
  ]);
  if (writes) files.set('src/tools/write_file.ts', WRITE_FILE);
  files.set(
    'README.md',
    readme(spec, {
      about: `A filesystem server confined to ${spec.roots.length === 1 ? 'one directory' : 'its directories'}${spec.readOnly ? ', read-only' : ''}.`,
      tools: [
        ['read_file', 'read a text file (at most 1 MiB)'],
        ['list_directory', 'list a directory'],
        ...(writes ? [['write_file', 'create or replace a text file, atomically'] as const] : []),
      ],
      refuses: [
        'path traversal (`../../etc/passwd`) and absolute paths outside the roots',
        'symlinks that point outside the roots, for reading, listing and writing',
        'NUL bytes in paths',
        'any write when read-only (`--read-only`): the write tool is not even registered',
      ],
      args: spec.roots,
    }),
  );
  return files;
}
