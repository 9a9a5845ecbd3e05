import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, type Session, spawnRampart, textOf } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

const REFERENCE_TOOLS = [
  'read_file',
  'read_text_file',
  'read_media_file',
  'read_multiple_files',
  'write_file',
  'edit_file',
  'create_directory',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'move_file',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
];

type ToolInfo = {
  name: string;
  inputSchema: { properties?: Record<string, unknown>; required?: string[] };
  outputSchema?: object;
};

async function referenceTools(dir: string): Promise<ToolInfo[]> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'), dir],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'parity', version: '1' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools as ToolInfo[];
  } finally {
    await client.close();
  }
}

describe('fs over stdio, through a real MCP client', () => {
  let layout: Layout;
  let rampart: Session & { pid: number };
  let tools: ToolInfo[];
  const ajv = new Ajv2020({ strict: false });

  /** Calls a tool and checks its structuredContent against the output schema the server declared. */
  async function callChecked(name: string, args: Record<string, unknown>) {
    const result = await rampart.client.callTool({ name, arguments: args });
    const out = textOf(result);
    expect(out.isError, `${name} failed: ${out.text}`).toBe(false);
    const schema = tools.find((t) => t.name === name)?.outputSchema;
    expect(schema, `${name} declares an output schema`).toBeDefined();
    const validate = ajv.compile(schema as object);
    expect(validate(out.structured), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    return out;
  }

  beforeAll(async () => {
    layout = makeLayout();
    mkdirSync(path.join(layout.root, 'src/nested'), { recursive: true });
    writeFileSync(path.join(layout.root, 'src/app.ts'), 'export const answer = 42;\n  indented();\n');
    writeFileSync(path.join(layout.root, 'src/nested/deep.ts'), 'const needle = "find me";\n');
    writeFileSync(path.join(layout.root, 'pixel.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    rampart = await spawnRampart(['fs', layout.root]);
    tools = (await rampart.client.listTools()).tools as ToolInfo[];
  });

  afterAll(async () => {
    await rampart?.close();
    layout?.cleanup();
  });

  it('offers every reference tool with the reference argument names, plus grep', async () => {
    const reference = await referenceTools(layout.root);
    expect(reference.map((t) => t.name).sort()).toEqual([...REFERENCE_TOOLS].sort());
    for (const ref of reference) {
      const ours = tools.find((t) => t.name === ref.name);
      expect(ours, ref.name).toBeDefined();
      const ourProps = Object.keys(ours?.inputSchema.properties ?? {});
      for (const arg of Object.keys(ref.inputSchema.properties ?? {}))
        expect(ourProps, `${ref.name}.${arg}`).toContain(arg);
      expect([...(ours?.inputSchema.required ?? [])].sort(), ref.name).toEqual(
        [...(ref.inputSchema.required ?? [])].sort(),
      );
    }
    expect(tools.map((t) => t.name)).toContain('grep');
  });

  it('declares true annotations on every tool', () => {
    for (const tool of tools as (ToolInfo & { annotations?: Record<string, boolean>; title?: string })[]) {
      expect(tool.title, tool.name).toBeTruthy();
      const a = tool.annotations ?? {};
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']) {
        expect(typeof a[hint], `${tool.name}.${hint}`).toBe('boolean');
      }
      expect(a.openWorldHint).toBe(false);
      if (a.readOnlyHint) expect(a.destructiveHint).toBe(false);
    }
  });

  it('answers each read tool with output that matches its schema', async () => {
    expect((await callChecked('read_text_file', { path: 'hello.txt' })).text).toBe('hello\nworld\n');
    expect((await callChecked('read_file', { path: 'hello.txt' })).text).toBe('hello\nworld\n');
    expect((await callChecked('read_text_file', { path: 'hello.txt', head: 1 })).text).toBe('hello');
    expect((await callChecked('read_text_file', { path: 'hello.txt', tail: 1 })).text).toBe('world');
    expect((await callChecked('read_text_file', { path: 'hello.txt', offset: 1, limit: 1 })).text).toBe(
      'world',
    );
    const media = await callChecked('read_media_file', { path: 'pixel.png' });
    expect(media.text).toBe('[image]');
    const multi = await callChecked('read_multiple_files', { paths: ['hello.txt', 'missing.txt'] });
    expect(multi.text).toContain('hello.txt:\nhello');
    expect(multi.text).toContain('missing.txt: Error - path "missing.txt" does not exist');
    expect((await callChecked('list_directory', { path: '.' })).text).toContain('[DIR] src');
    expect((await callChecked('list_directory_with_sizes', { path: '.', sortBy: 'size' })).text).toContain(
      'Combined size',
    );
    const tree = JSON.parse((await callChecked('directory_tree', { path: 'src', excludePatterns: [] })).text);
    expect(tree.find((n: { name: string }) => n.name === 'nested').children[0].name).toBe('deep.ts');
    const found = await callChecked('search_files', {
      path: layout.root,
      pattern: '**/*.ts',
      excludePatterns: [],
    });
    expect(found.text.split('\n').sort()).toEqual([
      path.join(layout.root, 'src/app.ts'),
      path.join(layout.root, 'src/nested/deep.ts'),
    ]);
    expect((await callChecked('get_file_info', { path: 'hello.txt' })).text).toContain('isFile: true');
    expect((await callChecked('list_allowed_directories', {})).text).toBe(
      `Allowed directories:\n${layout.root}`,
    );
    const grep = await callChecked('grep', { pattern: 'find me', literal: true });
    expect(grep.text).toBe(`${path.join(layout.root, 'src/nested/deep.ts')}:1:const needle = "find me";`);
    const capped = await callChecked('grep', { pattern: 'o', path: 'hello.txt', maxResults: 1 });
    expect(capped.structured).toMatchObject({ truncated: true, matches: [{ line: 1, text: 'hello' }] });
  });

  it('answers each write tool with output that matches its schema', async () => {
    await callChecked('create_directory', { path: 'made/deeper' });
    await callChecked('write_file', { path: 'made/deeper/new.txt', content: 'one\ntwo\n' });
    const preview = await callChecked('edit_file', {
      path: 'made/deeper/new.txt',
      edits: [{ oldText: 'two', newText: 'three' }],
      dryRun: true,
    });
    expect(preview.text).toContain('+three');
    expect(readFileSync(path.join(layout.root, 'made/deeper/new.txt'), 'utf8')).toBe('one\ntwo\n');
    await callChecked('edit_file', {
      path: 'made/deeper/new.txt',
      edits: [{ oldText: 'two', newText: 'three' }],
    });
    expect(readFileSync(path.join(layout.root, 'made/deeper/new.txt'), 'utf8')).toBe('one\nthree\n');
    await callChecked('edit_file', {
      path: 'src/app.ts',
      edits: [{ oldText: '    indented();', newText: 'renamed();\nsecond();' }],
    });
    expect(readFileSync(path.join(layout.root, 'src/app.ts'), 'utf8')).toContain('  renamed();\n  second();');
    await callChecked('move_file', { source: 'made/deeper/new.txt', destination: 'made/moved.txt' });
    expect(readFileSync(path.join(layout.root, 'made/moved.txt'), 'utf8')).toBe('one\nthree\n');
    const clash = textOf(
      await rampart.client.callTool({
        name: 'move_file',
        arguments: { source: 'hello.txt', destination: 'made/moved.txt' },
      }),
    );
    expect(clash).toMatchObject({ isError: true, text: 'destination "made/moved.txt" already exists' });
  });

  it('serves a client that negotiates the 2026-07-28 protocol revision', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(REPO, 'dist/cli/main.js'), 'fs', layout.root],
      stderr: 'ignore',
    });
    const modern = new Client(
      { name: 'modern', version: '1' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await modern.connect(transport);
    try {
      expect((await modern.listTools()).tools.map((t) => t.name)).toContain('grep');
      const read = textOf(
        await modern.callTool({ name: 'read_text_file', arguments: { path: 'hello.txt' } }),
      );
      expect(read).toMatchObject({ isError: false, text: 'hello\nworld\n' });
      const refused = textOf(
        await modern.callTool({ name: 'read_text_file', arguments: { path: layout.secretFile } }),
      );
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/outside the allowed roots/);
    } finally {
      await modern.close();
    }
  });

  it('exposes files inside the roots as file:// resources', async () => {
    const templates = await rampart.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain('file://{+path}');
    const listed = await rampart.client.listResources();
    expect(listed.resources.some((r) => r.uri.endsWith('/hello.txt'))).toBe(true);
    const read = await rampart.client.readResource({ uri: `file://${path.join(layout.root, 'hello.txt')}` });
    expect(read.contents[0]).toMatchObject({ text: 'hello\nworld\n' });
    await expect(rampart.client.readResource({ uri: `file://${layout.secretFile}` })).rejects.toThrow(
      /outside the allowed roots/,
    );
  });
});
