import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { connectOverHttp, postMcp, toolCallBody } from './helpers/http-client.js';
import { textOf } from './helpers/mcp.js';
import { startTestIssuer, type TestIssuer } from './helpers/oidc.js';
import { type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';

const ORDER = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });

describe('the registry server behind the gateway: scopes follow the tool annotations', () => {
  let issuer: TestIssuer;
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  let gateway: RunningGateway;
  let url: string;
  const subjects = async () => (await fetch(`${registry.url}/subjects?deleted=true`)).json();

  beforeAll(async () => {
    issuer = await startTestIssuer();
    backend = sqliteBackend();
    registry = await backend.start();
    await fetch(`${registry.url}/subjects/kept-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: ORDER }),
    });
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', oauthIssuer: issuer.issuer }),
      servers: [
        {
          name: 'registry',
          kind: 'registry',
          options: { registries: [{ name: 'local', url: registry.url }] },
        },
      ],
      source: 'test',
      env: {},
    });
    url = `${gateway.url}/mcp/registry`;
  });

  afterAll(async () => {
    await gateway?.close();
    await backend?.cleanup();
    await issuer?.close();
  });

  it('lets a read token read, and refuses it every register and delete with 403 naming the scope', async () => {
    const token = await issuer.token('reader', 'read', gateway.url);
    const client = await connectOverHttp(url, token);
    const listed = await client.callTool({ name: 'list_subjects', arguments: {} });
    expect(textOf(listed).text).toContain('kept-value');
    await client.close();
    const before = await subjects();
    for (const [tool, args, scope] of [
      ['register_schema', { subject: 'new-value', schema: ORDER }, 'write'],
      [
        'import_schemas',
        { bundle: { format: 'rampart.registry.export/1', source: 'x', exported_at: 'now', subjects: [] } },
        'write',
      ],
      ['delete_subject', { subject: 'kept-value', confirm: true }, 'admin'],
      ['clear_context', { confirm: true }, 'admin'],
      ['migrate_context', { target_registry: 'local', dry_run: false, confirm: true }, 'admin'],
    ] as const) {
      const response = await postMcp(url, toolCallBody(tool, args), token);
      expect(response.status, tool).toBe(403);
      expect(response.headers.get('www-authenticate'), tool).toContain(`scope="${scope}"`);
    }
    expect(await subjects()).toEqual(before);
  });

  it('lets a write token register but not delete, and an admin token delete', async () => {
    const writer = await issuer.token('writer', 'read write', gateway.url);
    const client = await connectOverHttp(url, writer);
    const registered = await client.callTool({
      name: 'register_schema',
      arguments: { subject: 'written-value', schema: ORDER },
    });
    expect(registered.isError).toBeFalsy();
    await client.close();
    const refused = await postMcp(
      url,
      toolCallBody('delete_subject', { subject: 'written-value', confirm: true }),
      writer,
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="admin"');

    const admin = await connectOverHttp(url, await issuer.token('admin', 'admin', gateway.url));
    const deleted = await admin.callTool({
      name: 'delete_subject',
      arguments: { subject: 'written-value', confirm: true },
    });
    expect(textOf(deleted)).toMatchObject({ isError: false });
    await admin.close();
    expect((await fetch(`${registry.url}/subjects/written-value/versions`)).status).toBe(404);
  });
});
