import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import { signInOverHttp, TOKEN } from './console/helpers.js';
import { textOf } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

// Tool selection per mount in rampart.yaml's servers list (options tools, excludeTools, readOnly), through
// the gateway's real HTTP surface and a real MCP client.

const FS_TOOL_COUNT = 15;

async function connect(url: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
  });
  const client = new Client({ name: 'gateway-tool-selection-test', version: '1' });
  await client.connect(transport);
  return client;
}

function start(servers: { name: string; kind: 'fs' | 'registry'; options: Record<string, unknown> }[]) {
  return startGateway({
    config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent' }),
    servers,
    source: 'rampart.yaml',
    env: { RAMPART_TOKEN: TOKEN },
  });
}

describe('tool selection per gateway mount', () => {
  let layout: Layout;
  let gateway: RunningGateway;

  beforeAll(async () => {
    layout = makeLayout();
    writeFileSync(path.join(layout.root, 'notes.txt'), 'kept as it was\n');
    gateway = await start([
      {
        name: 'docs',
        kind: 'fs',
        options: { roots: [layout.root], excludeTools: ['write_file', 'move_file'] },
      },
      {
        name: 'reader',
        kind: 'fs',
        options: { roots: [layout.root], tools: ['read_text_file', 'list_directory'] },
      },
      {
        name: 'schemas',
        kind: 'registry',
        // Nothing listens on the discard port: listing tools never reaches the registry.
        options: { registries: [{ name: 'main', url: 'http://127.0.0.1:9' }], readOnly: true },
      },
    ]);
  });

  afterAll(async () => {
    await gateway?.close();
    layout?.cleanup();
  });

  it('refuses a call to an excluded tool over the gateway', async () => {
    const client = await connect(`${gateway.url}/mcp/docs`);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).not.toContain('write_file');
      expect(tools).not.toContain('move_file');
      expect(tools).toHaveLength(FS_TOOL_COUNT - 2);
      const target = path.join(layout.root, 'planted.txt');
      const outcome = await client
        .callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })
        .then(
          (result) => textOf(result),
          (error: Error) => ({ isError: true, text: error.message }),
        );
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(/Tool write_file not found/);
      expect(existsSync(target)).toBe(false);
      const read = textOf(
        await client.callTool({
          name: 'read_text_file',
          arguments: { path: path.join(layout.root, 'notes.txt') },
        }),
      );
      expect(read.text).toContain('kept as it was');
    } finally {
      await client.close();
    }
  });

  it('offers exactly the tools a mount names', async () => {
    const client = await connect(`${gateway.url}/mcp/reader`);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'read_text_file',
        'list_directory',
      ]);
    } finally {
      await client.close();
    }
  });

  it('offers a readOnly mount only read-only tools', async () => {
    const client = await connect(`${gateway.url}/mcp/schemas`);
    try {
      const tools = (await client.listTools()).tools;
      expect(tools.length).toBeGreaterThan(0);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      expect(tools.map((t) => t.name)).not.toContain('register_schema');
    } finally {
      await client.close();
    }
  });

  it('counts each mount tools in /healthz to a caller with a token, and tells an open caller nothing', async () => {
    const open = (await (await fetch(`${gateway.url}/healthz`)).json()) as Record<string, unknown>;
    expect(open).toEqual({ status: 'ok' });
    const authed = (await (
      await fetch(`${gateway.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { servers: string[]; tools: Record<string, number> };
    expect(authed.servers).toEqual(['docs', 'reader', 'schemas']);
    expect(authed.tools.docs).toBe(FS_TOOL_COUNT - 2);
    expect(authed.tools.reader).toBe(2);
    expect(authed.tools.schemas).toBeGreaterThan(0);
    expect(JSON.stringify(authed)).not.toContain('write_file');
  });

  it('shows each mount selection in /console/api/servers', async () => {
    const signed = await signInOverHttp(gateway.url);
    const response = await fetch(`${gateway.url}/console/api/servers`, {
      headers: { cookie: signed.cookie, 'x-rampart-csrf': signed.csrf, origin: gateway.url },
    });
    expect(response.status).toBe(200);
    const { servers } = (await response.json()) as {
      servers: {
        name: string;
        kind: string;
        offer: { offered: string[]; excluded: string[]; readOnly: boolean };
      }[];
    };
    const byName = new Map(servers.map((s) => [s.name, s]));
    expect(byName.get('docs')?.offer.excluded).toEqual(['write_file', 'move_file']);
    expect(byName.get('docs')?.offer.offered).toHaveLength(FS_TOOL_COUNT - 2);
    expect(byName.get('reader')?.offer).toMatchObject({
      offered: ['read_text_file', 'list_directory'],
      readOnly: false,
    });
    expect(byName.get('reader')?.offer.excluded).toHaveLength(FS_TOOL_COUNT - 2);
    const schemas = byName.get('schemas')?.offer;
    expect(schemas?.readOnly).toBe(true);
    expect(schemas?.excluded).toContain('register_schema');
  });

  it('refuses to start with an unknown tool name in a mount, listing the server tools', async () => {
    await expect(
      start([{ name: 'docs', kind: 'fs', options: { roots: [layout.root], excludeTools: ['write_fille'] } }]),
    ).rejects.toThrow(
      /^rampart\.yaml servers\.docs\.options: excludeTools \(--exclude-tools\) names a tool fs does not have.*: write_fille \(its tools: .*write_file/,
    );
  });

  it('refuses to start with a tools list that is not a list of names', async () => {
    await expect(
      start([{ name: 'docs', kind: 'fs', options: { roots: [layout.root], tools: 'read_text_file' } }]),
    ).rejects.toThrow(/rampart\.yaml servers\.docs\.options\.tools/);
  });
});
