import { serverProjectFiles } from '../common.js';
import { camelCase, serverKey } from '../names.js';
import { readme } from '../readme.js';
import type { CustomSpec, GenerateOptions } from '../spec.js';

function toolFile(name: string): string {
  return `import { defineTool, READ_ONLY } from 'rampart-mcp/toolkit';
import { z } from 'zod';
import settings from '../settings.json' with { type: 'json' };

export const ${camelCase(name)}Tool = defineTool({
  name: '${name}',
  title: settings.tools.${name}.title,
  description: settings.tools.${name}.description,
  input: z.object({
    text: z.string().max(10_000).describe('The text to work on'),
  }),
  output: z.object({
    result: z.string().describe('What the tool made of the text'),
  }),
  annotations: READ_ONLY,
  // Replace with the tool's real work. Throw a Refusal (from rampart-mcp/toolkit) to refuse in one clear line.
  handler: async ({ text }) => ({ result: text }),
});
`;
}

function serverFile(spec: CustomSpec): string {
  const imports = spec.tools
    .map((t) => `import { ${camelCase(t.name)}Tool } from './tools/${t.name}.js';`)
    .sort((a, b) => (a < b ? -1 : 1));
  return `import { defineServer, type ServerDefinition, type ToolDefinition } from 'rampart-mcp/toolkit';
import settings from './settings.json' with { type: 'json' };
${imports.join('\n')}

export function createServer(): ServerDefinition {
  const tools: ToolDefinition[] = [];
${spec.tools.map((t) => `  tools.push(${camelCase(t.name)}Tool);`).join('\n')}
  return defineServer({ name: settings.name, version: '0.1.0', instructions: settings.description, tools });
}
`;
}

const INDEX = `#!/usr/bin/env node
import { serveStdio } from 'rampart-mcp/toolkit';
import { createServer } from './server.js';

await serveStdio(createServer());
`;

function testFile(spec: CustomSpec): string {
  const perTool = spec.tools
    .map(
      (t) => `
  it('${t.name} answers through the protocol', async () => {
    const answer = await client.call('${t.name}', { text: 'hello' });
    assert.equal(answer.isError, false, answer.text);
    assert.deepEqual(answer.structured, { result: 'hello' });
  });`,
    )
    .join('\n');
  const first = spec.tools[0]?.name as string;
  return `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectTestClient, type TestClient } from 'rampart-mcp/toolkit';
import { createServer } from '../src/server.js';

describe('the server, through a real MCP client', () => {
  let client: TestClient;

  before(async () => {
    client = await connectTestClient(createServer(), { maxArgBytes: 16 * 1024 });
  });

  after(() => client.close());

  it('lists every tool', async () => {
    assert.deepEqual((await client.toolNames()).sort(), ${JSON.stringify(spec.tools.map((t) => t.name).sort())
      .replaceAll('"', "'")
      .replaceAll(',', ', ')});
  });
${perTool}

  it('refuses arguments of the wrong type, naming the argument', async () => {
    const answer = await client.call('${first}', { text: 42 });
    assert.equal(answer.isError, true);
    assert.match(answer.text, /"text"/);
  });

  it('refuses arguments over the size cap (resource exhaustion)', async () => {
    const answer = await client.call('${first}', { text: 'x'.repeat(64 * 1024) });
    assert.equal(answer.isError, true);
  });

  it('refuses an unknown tool', async () => {
    const refused = client.call('no_such_tool', {});
    const answer = await refused.catch((error: Error) => ({ isError: true, text: error.message }));
    assert.equal(answer.isError, true);
  });
});
`;
}

/** A server with the named tools, each a typed stub to fill in, and tests that call each one. */
export function customProject(spec: CustomSpec, options: GenerateOptions): Map<string, string> {
  const settings = {
    name: serverKey(spec.name),
    description: spec.description,
    tools: Object.fromEntries(
      spec.tools.map((t) => [
        t.name,
        { title: t.name.replaceAll('_', ' '), description: t.description || t.name },
      ]),
    ),
  };
  const files = new Map<string, string>([
    ...serverProjectFiles(spec, options, []),
    ['src/settings.json', `${JSON.stringify(settings, null, 2)}\n`],
    ['src/index.ts', INDEX],
    ['src/server.ts', serverFile(spec)],
    ['test/server.test.ts', testFile(spec)],
  ]);
  for (const tool of spec.tools) files.set(`src/tools/${tool.name}.ts`, toolFile(tool.name));
  files.set(
    'README.md',
    readme(spec, {
      about: `A server with ${spec.tools.length} tool${spec.tools.length === 1 ? '' : 's'} to fill in.`,
      tools: spec.tools.map((t) => [t.name, 'a stub that echoes its text; replace its handler'] as const),
      refuses: [
        'arguments of the wrong type, naming the argument',
        'arguments over the size cap',
        'unknown tools',
      ],
      args: [],
    }),
  );
  return files;
}
