import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../src/core/audit.js';
import { defineServer, type ServerDefinition } from '../src/core/define.js';
import type { Runtime } from '../src/core/envelope.js';
import { Refusal } from '../src/core/errors.js';
import { createRuntime } from '../src/core/runtime.js';
import { buildMcpServer } from '../src/core/server.js';
import { auditRecordsWhen } from './helpers/audit.js';

const text = (uri: string, value: string) => [{ uri, text: value }];

function sleepUntilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

const definition: ServerDefinition = defineServer({
  name: 'probe',
  version: '1',
  tools: [],
  resources: [
    {
      name: 'hello',
      title: 'Hello',
      description: 'A fixed resource',
      uri: 'probe://hello',
      read: async () => text('probe://hello', 'hello'),
    },
    {
      name: 'boom',
      title: 'Boom',
      description: 'A resource whose read fails with an unexpected error',
      uri: 'probe://boom',
      read: async () => {
        throw new Error('connection string postgres://admin:hunter2@db leaked');
      },
    },
  ],
  resourceTemplates: [
    {
      name: 'item',
      title: 'Item',
      description: 'Items by name; "forbidden" is refused',
      uriTemplate: 'probe://items/{name}',
      read: async (uri, variables) => {
        if (variables.name === 'forbidden') throw new Refusal('name "forbidden" is not allowed');
        return text(uri.href, String(variables.name));
      },
      complete: {
        name: async (value) =>
          Array.from({ length: 150 }, (_, i) => `item-${String(i).padStart(3, '0')}`)
            .concat(['item-000'])
            .filter((v) => v.startsWith(value)),
      },
    },
    {
      name: 'slow',
      title: 'Slow',
      description: 'A read that only ends when its signal fires',
      uriTemplate: 'probe://slow/{n}',
      read: async (_uri, _variables, signal) => sleepUntilAborted(signal),
    },
  ],
  prompts: [{ name: 'greet', title: 'Greet', description: 'A prompt', text: async () => 'Say hello.' }],
});

describe('resource reads and prompt gets through a real MCP client', () => {
  let dir: string;
  let auditLog: string;
  let runtime: Runtime;
  let client: Client;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-resource-audit-'));
    auditLog = path.join(dir, 'audit.jsonl');
    runtime = await createRuntime({ logLevel: 'silent', timeoutMs: 300, auditLog });
    const server = buildMcpServer(definition, runtime);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'audit-probe', version: '1' });
    await client.connect(clientSide);
  });

  afterAll(async () => {
    await client?.close();
    await runtime?.audit.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one audit record per resource read and prompt get: name, URI, outcome and time', async () => {
    await client.readResource({ uri: 'probe://hello' });
    await client.readResource({ uri: 'probe://items/apple' });
    await expect(client.readResource({ uri: 'probe://items/forbidden' })).rejects.toThrow(
      /name "forbidden" is not allowed/,
    );
    await client.getPrompt({ name: 'greet' });
    const records = await auditRecordsWhen(auditLog, (r) => r.tool === 'prompt:greet');
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          server: 'probe',
          tool: 'resource:hello',
          client: 'audit-probe',
          args: { uri: 'probe://hello' },
          outcome: 'ok',
          ms: expect.any(Number),
        }),
        expect.objectContaining({
          tool: 'resource:item',
          args: { uri: 'probe://items/apple' },
          outcome: 'ok',
        }),
        expect.objectContaining({
          tool: 'resource:item',
          args: { uri: 'probe://items/forbidden' },
          outcome: 'refused',
          message: 'name "forbidden" is not allowed',
        }),
        expect.objectContaining({ tool: 'prompt:greet', args: {}, outcome: 'ok' }),
      ]),
    );
  });

  it('answers an unexpected read failure with a safe line and audits it as an error, without the secret', async () => {
    await expect(client.readResource({ uri: 'probe://boom' })).rejects.toThrow(/internal error/);
    const records = await auditRecordsWhen(auditLog, (r) => r.tool === 'resource:boom');
    const boom = records.find((r) => r.tool === 'resource:boom');
    expect(boom).toMatchObject({ outcome: 'error' });
    expect(JSON.stringify(records)).not.toContain('hunter2');
  });

  it('stops a read at the call time limit and audits it as a timeout', async () => {
    const started = performance.now();
    await expect(client.readResource({ uri: 'probe://slow/1' })).rejects.toThrow(/timed out after 300 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
    const records = await auditRecordsWhen(auditLog, (r) => r.tool === 'resource:slow');
    expect(records.find((r) => r.tool === 'resource:slow')).toMatchObject({ outcome: 'timeout' });
  });

  it('bounds the URI an audit record keeps', async () => {
    const long = `probe://items/${'a'.repeat(3_000)}`;
    await client.readResource({ uri: long });
    const records = await auditRecordsWhen(
      auditLog,
      (r) =>
        r.tool === 'resource:item' && String((r.args as { uri: string }).uri).startsWith('probe://items/aaa'),
    );
    const record = records.find((r) =>
      String((r.args as { uri: string }).uri).startsWith('probe://items/aaa'),
    );
    expect(record).toBeDefined();
    expect(String((record?.args as { uri?: string } | undefined)?.uri).length).toBeLessThanOrEqual(1_025);
  });

  it('answers completion/complete for a template variable, distinct values, at most 100', async () => {
    expect(client.getServerCapabilities()?.completions).toBeDefined();
    const all = await client.complete({
      ref: { type: 'ref/resource', uri: 'probe://items/{name}' },
      argument: { name: 'name', value: 'item-' },
    });
    expect(all.completion.values).toHaveLength(100);
    expect(new Set(all.completion.values).size).toBe(100);
    const some = await client.complete({
      ref: { type: 'ref/resource', uri: 'probe://items/{name}' },
      argument: { name: 'name', value: 'item-14' },
    });
    expect(some.completion.values).toEqual([
      'item-140',
      'item-141',
      'item-142',
      'item-143',
      'item-144',
      'item-145',
      'item-146',
      'item-147',
      'item-148',
      'item-149',
    ]);
  });
});

describe('resource reads over HTTP need the read scope', () => {
  it('refuses a resources/read whose token lacks the read scope with 403 insufficient_scope', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-resource-scope-'));
    const audit = await openAuditLog(path.join(dir, 'audit.jsonl'));
    const runtime = await createRuntime({ logLevel: 'silent', audit });
    // A stateless transport answers one request, so each request gets its own server instance, as in the gateway.
    const post = async (body: unknown, scopes: string[]) => {
      const server = buildMcpServer(definition, runtime);
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await server.connect(transport);
      try {
        const response = await transport.handleRequest(
          new Request('http://127.0.0.1/mcp', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
              'mcp-protocol-version': '2025-06-18',
            },
            body: JSON.stringify(body),
          }),
          { authInfo: { token: 't', clientId: 'scoped-client', scopes } },
        );
        return {
          status: response.status,
          challenge: response.headers.get('www-authenticate') ?? '',
          text: await response.text(),
        };
      } finally {
        await server.close();
      }
    };
    try {
      const read = { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'probe://hello' } };
      const refused = await post(read, ['sessions:other']);
      expect(refused.status).toBe(403);
      expect(refused.challenge).toContain('error="insufficient_scope"');
      expect(refused.challenge).toContain('scope="read"');
      const prompt = { jsonrpc: '2.0', id: 2, method: 'prompts/get', params: { name: 'greet' } };
      expect((await post(prompt, [])).status).toBe(403);
      const allowed = await post(read, ['read']);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('hello');
    } finally {
      await audit.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
