import { BIOME, DOCKERFILE, GITIGNORE, packageJson, TSCONFIG } from '../common.js';
import { readme } from '../readme.js';
import type { ClientSpec, GenerateOptions } from '../spec.js';

const CONNECT = `import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

export type ServerEntry =
  | { readonly name: string; readonly command: string; readonly args: readonly string[] }
  | { readonly name: string; readonly url: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The environment variable holding a server's bearer token: \`my-api\` → \`MY_API_TOKEN\`. */
export function tokenVariable(name: string): string {
  return \`\${name.toUpperCase().replaceAll('-', '_')}_TOKEN\`;
}

/**
 * Connects to one server: a child process over stdio, or Streamable HTTP with the bearer token from the
 * environment. A token never travels over plain HTTP to another machine.
 */
export async function connectServer(entry: ServerEntry, env: NodeJS.ProcessEnv = process.env): Promise<Client> {
  const client = new Client({ name: 'CLIENT_NAME', version: '0.1.0' });
  if ('command' in entry) {
    await client.connect(
      new StdioClientTransport({ command: entry.command, args: [...entry.args], stderr: 'inherit' }),
    );
    return client;
  }
  const url = new URL(entry.url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new Error(\`server \${entry.name}: \${url.origin} must be https (plain http only to this machine)\`);
  const token = env[tokenVariable(entry.name)];
  const headers: Record<string, string> = token ? { authorization: \`Bearer \${token}\` } : {};
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}
`;

const INDEX = `#!/usr/bin/env node
import { connectServer, type ServerEntry } from './connect.js';
import settings from './settings.json' with { type: 'json' };

// Usage: node dist/src/index.js list | call <server> <tool> [json arguments]
const servers = settings.servers as ServerEntry[];
const [command = 'list', serverName, toolName, json = '{}'] = process.argv.slice(2);

if (command === 'list') {
  for (const entry of servers) {
    const client = await connectServer(entry);
    const { tools } = await client.listTools();
    for (const tool of tools) console.log(\`\${entry.name}  \${tool.name}  \${tool.title ?? ''}\`);
    await client.close();
  }
} else if (command === 'call' && serverName && toolName) {
  const entry = servers.find((s) => s.name === serverName);
  if (!entry) throw new Error(\`no server named \${serverName} (known: \${servers.map((s) => s.name).join(', ')})\`);
  const client = await connectServer(entry);
  const result = await client.callTool({ name: toolName, arguments: JSON.parse(json) });
  console.log(JSON.stringify(result, null, 2));
  await client.close();
  if (result.isError) process.exitCode = 1;
} else {
  console.error('usage: list | call <server> <tool> [json arguments]');
  process.exitCode = 2;
}
`;

const FIXTURE = `import { defineServer, defineTool, READ_ONLY, serveStdio } from 'rampart-mcp/toolkit';
import { z } from 'zod';

/** A small MCP server the tests start, so that the client is proven against a real peer. */
export const echoTool = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Answers with its text.',
  input: z.object({ text: z.string().describe('What to echo') }),
  output: z.object({ text: z.string() }),
  annotations: READ_ONLY,
  handler: async ({ text }) => ({ text }),
});

export const fixture = defineServer({ name: 'fixture', version: '1.0.0', tools: [echoTool] });

if (process.argv[2] === '--serve') await serveStdio(fixture);
`;

const TEST = `import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serveHttp } from 'rampart-mcp/toolkit';
import { connectServer, tokenVariable } from '../src/connect.js';
import { fixture } from './fixture-server.js';

const FIXTURE = fileURLToPath(new URL('./fixture-server.js', import.meta.url));

describe('the client, against real MCP servers', () => {
  it('lists and calls the tools of a server over stdio', async () => {
    const client = await connectServer({ name: 'local', command: process.execPath, args: [FIXTURE, '--serve'] });
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => t.name),
        ['echo'],
      );
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.deepEqual(result.structuredContent, { text: 'hi' });
    } finally {
      await client.close();
    }
  });

  it('lists and calls the tools of a server over Streamable HTTP, with its bearer token', async () => {
    const running = await serveHttp(fixture, { token: 'test-token-123456' });
    try {
      const client = await connectServer(
        { name: 'remote', url: running.url },
        { [tokenVariable('remote')]: 'test-token-123456' },
      );
      const result = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
      assert.deepEqual(result.structuredContent, { text: 'over http' });
      await client.close();
    } finally {
      await running.close();
    }
  });

  it('is refused by a server when it has no token', async () => {
    const running = await serveHttp(fixture, { token: 'test-token-123456' });
    try {
      await assert.rejects(connectServer({ name: 'remote', url: running.url }, {}));
    } finally {
      await running.close();
    }
  });

  it('refuses to send a token over plain HTTP to another machine', async () => {
    const env = { [tokenVariable('far')]: 'secret' };
    await assert.rejects(connectServer({ name: 'far', url: 'http://example.com/mcp' }, env), /must be https/);
  });
});
`;

/** Splits `node server.js --flag` into a command and its arguments (no shell, no quoting). */
function commandOf(text: string): { command: string; args: string[] } {
  const [command = '', ...args] = text.trim().split(/\s+/);
  return { command, args };
}

/** A TypeScript MCP client app for the named servers (stdio commands or Streamable HTTP URLs). */
export function clientProject(spec: ClientSpec, options: GenerateOptions): Map<string, string> {
  const servers = spec.servers.map((s) =>
    /^https?:\/\//i.test(s.target)
      ? { name: s.name, url: s.target }
      : { name: s.name, ...commandOf(s.target) },
  );
  const files = new Map<string, string>([
    [
      'package.json',
      packageJson(spec, options, { dependencies: { '@modelcontextprotocol/client': '^2.4.0' } }),
    ],
    ['tsconfig.json', TSCONFIG],
    ['biome.json', BIOME],
    ['.gitignore', GITIGNORE],
    ['Dockerfile', DOCKERFILE],
    [
      '.mcp.json',
      `${JSON.stringify(
        {
          mcpServers: Object.fromEntries(
            servers.map((s) => [
              s.name,
              'url' in s ? { type: 'http', url: s.url } : { command: s.command, args: s.args },
            ]),
          ),
        },
        null,
        2,
      )}\n`,
    ],
    ['src/settings.json', `${JSON.stringify({ servers }, null, 2)}\n`],
    ['src/connect.ts', CONNECT.replace("'CLIENT_NAME'", JSON.stringify(spec.name).replaceAll('"', "'"))],
    ['src/index.ts', INDEX],
    ['test/fixture-server.ts', FIXTURE],
    ['test/client.test.ts', TEST],
  ]);
  files.set(
    'README.md',
    readme(spec, {
      about:
        'An MCP client app: it connects to its servers (stdio commands or Streamable HTTP URLs, tokens from `<NAME>_TOKEN`), lists their tools and calls them: `npm start -- list`, `npm start -- call <server> <tool> \'{"…":…}\'`.',
      tools: servers.map((s) => [s.name, 'url' in s ? 'Streamable HTTP' : 'stdio'] as const),
      refuses: ['sending a bearer token over plain HTTP to another machine'],
      args: ['list'],
      client: true,
    }),
  );
  return files;
}
