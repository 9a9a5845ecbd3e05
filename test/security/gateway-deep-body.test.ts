import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../../src/gateway/serve.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';

const DEPTH = 100_000;
const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const TOO_DEEP = 'request body: objects and arrays nested more than 256 levels deep; the limit is 256';

describe('gateway: request bodies nested deeper than the stack', () => {
  let layout: Layout;
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    layout = makeLayout();
    const tokenFile = path.join(layout.base, 'state', 'token');
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, tokenFile, logLevel: 'silent' }),
      servers: [{ name: 'fs', kind: 'fs', options: { roots: [layout.root], readOnly: true } }],
      source: 'test',
      env: {},
    });
    token = readFileSync(tokenFile, 'utf8').trim();
  });

  afterAll(async () => {
    await gateway?.close();
    layout?.cleanup();
  });

  const post = (body: string) =>
    fetch(`${gateway.url}/mcp/fs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body,
    });

  it('refuses a body nested 100,000 deep with a clear error, wherever the nesting is', async () => {
    for (const [id, params] of [
      [1, `{"name":"list_allowed_directories","arguments":{"x":${deep}}}`],
      [2, `{"name":"list_allowed_directories","arguments":{},"_meta":{"x":${deep}}}`],
      [3, `{"x":${deep}}`],
    ] as const) {
      const response = await post(`{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":${params}}`);
      expect(response.status, `request ${id}`).toBe(400);
      expect(await response.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32000, message: TOO_DEEP },
      });
    }
  });

  it('refuses arguments nested 1,000 deep from a real MCP client, and keeps serving it', async () => {
    const client = new Client({ name: 'deep-body-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/fs`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    try {
      let nested: unknown = 0;
      for (let i = 0; i < 1_000; i++) nested = [nested];
      await expect(
        client.callTool({ name: 'list_allowed_directories', arguments: { x: nested } }),
      ).rejects.toThrow(TOO_DEEP);
      const fine = await client.callTool({ name: 'list_allowed_directories', arguments: {} });
      expect(fine.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
