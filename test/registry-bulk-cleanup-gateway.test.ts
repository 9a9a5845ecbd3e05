import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { connectOverHttp, postMcp, toolCallBody } from './helpers/http-client.js';
import { textOf } from './helpers/mcp.js';
import { startTestIssuer, type TestIssuer } from './helpers/oidc.js';
import { type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { dumpRegistry, record, rest } from './helpers/registry-dump.js';

const BUNDLE = {
  format: 'rampart.registry.export/1',
  source: 'test',
  exported_at: '2026-12-06T00:00:00Z',
  subjects: [
    {
      subject: 'new-value',
      versions: [{ version: 1, id: 1, schemaType: 'AVRO', schema: record('New', ['id']), references: [] }],
    },
  ],
};

describe('bulk_cleanup and bulk_register behind the gateway: scopes follow the tool annotations', () => {
  let issuer: TestIssuer;
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  let gateway: RunningGateway;
  let backupDir: string;
  let url: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    backend = sqliteBackend();
    registry = await backend.start();
    backupDir = mkdtempSync(path.join(os.tmpdir(), 'rampart-bulk-gateway-'));
    await rest(registry, 'POST', '/subjects/old-value/versions', { schema: record('Old', ['id']) });
    await rest(registry, 'POST', '/subjects/old-value/versions', { schema: record('Old', ['id', 'a']) });
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({ port: 0, logLevel: 'silent', oauthIssuer: issuer.issuer }),
      servers: [
        {
          name: 'registry',
          kind: 'registry',
          options: { registries: [{ name: 'local', url: registry.url }], backupDir },
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
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('refuses bulk_register to a read token and bulk_cleanup to a write token, 403 naming the scope', async () => {
    const reader = await issuer.token('reader', 'read', gateway.url);
    const writer = await issuer.token('writer', 'read write', gateway.url);
    const before = await dumpRegistry(registry);
    for (const [tool, args, token, scope] of [
      ['bulk_register', { bundle: BUNDLE, dry_run: false, confirm: true }, reader, 'write'],
      ['bulk_cleanup', { pattern: '*', permanent: true, dry_run: false, confirm: true }, writer, 'admin'],
      ['bulk_cleanup', { pattern: '*' }, writer, 'admin'],
    ] as const) {
      const response = await postMcp(url, toolCallBody(tool, args), token);
      expect(response.status, tool).toBe(403);
      expect(response.headers.get('www-authenticate'), tool).toContain(`scope="${scope}"`);
    }
    expect(await dumpRegistry(registry)).toEqual(before);
    expect(readdirSync(backupDir)).toEqual([]);
  });

  it('lets a write token register in bulk and an admin token clean up, each after a backup', async () => {
    const writer = await issuer.token('writer', 'read write', gateway.url);
    const asWriter = await connectOverHttp(url, writer);
    const registered = textOf(
      await asWriter.callTool({
        name: 'bulk_register',
        arguments: { bundle: BUNDLE, dry_run: false, confirm: true },
      }),
    );
    expect(registered.isError, registered.text).toBe(false);
    await asWriter.close();
    expect(await rest(registry, 'GET', '/subjects/new-value/versions')).toEqual([1]);

    const admin = await issuer.token('admin', 'read write admin', gateway.url);
    const asAdmin = await connectOverHttp(url, admin);
    const cleaned = textOf(
      await asAdmin.callTool({
        name: 'bulk_cleanup',
        arguments: { pattern: 'old-*', keep_latest: 1, dry_run: false, confirm: true },
      }),
    );
    expect(cleaned.isError, cleaned.text).toBe(false);
    await asAdmin.close();
    expect(await rest(registry, 'GET', '/subjects/old-value/versions')).toEqual([2]);
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });
});
