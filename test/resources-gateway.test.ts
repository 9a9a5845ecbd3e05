import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/gateway/config.js';
import { type RunningGateway, startGateway } from '../src/gateway/serve.js';
import { auditRecordsWhen } from './helpers/audit.js';
import { commit, initRepo } from './helpers/git.js';
import { connectOverHttp, postMcp } from './helpers/http-client.js';
import { startTestIssuer, type TestIssuer } from './helpers/oidc.js';

const readBody = (uri: string) =>
  JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri } });

describe('resource reads through rampart serve (OAuth)', () => {
  let issuer: TestIssuer;
  let base: string;
  let gateway: RunningGateway;
  let auditLog: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-resources-gateway-')));
    const app = initRepo(path.join(base, 'app'));
    commit(app, { 'README.md': '# App\n' }, 'Start', '2024-01-10T10:00:00Z');
    auditLog = path.join(base, 'audit.jsonl');
    gateway = await startGateway({
      config: gatewayConfigSchema.parse({
        port: 0,
        logLevel: 'silent',
        oauthIssuer: issuer.issuer,
        auditLog,
        tokenFile: path.join(base, 'never-created'),
      }),
      servers: [{ name: 'git', kind: 'git', options: { repositories: [app] } }],
      source: 'test',
      env: {},
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await issuer?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('refuses a resource read with a token that holds no read scope (403 insufficient_scope)', async () => {
    const token = await issuer.token('outsider', 'openid', gateway.url);
    const response = await postMcp(
      `${gateway.url}/mcp/git`,
      readBody('git://app/blob/HEAD/README.md'),
      token,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await response.text()).not.toContain('# App');
  });

  it('serves a read-scoped token and audits the read under the token’s client', async () => {
    const token = await issuer.token('reader', 'read', gateway.url);
    const client = await connectOverHttp(`${gateway.url}/mcp/git`, token);
    try {
      const read = await client.readResource({ uri: 'git://app/blob/HEAD/README.md' });
      expect((read.contents[0] as { text: string }).text).toBe('# App\n');
      const completed = await client.complete({
        ref: { type: 'ref/resource', uri: 'git://{repo}/status' },
        argument: { name: 'repo', value: '' },
      });
      expect(completed.completion.values).toEqual(['app']);
    } finally {
      await client.close();
    }
    const records = await auditRecordsWhen(auditLog, (r) => r.tool === 'resource:blob');
    expect(records).toContainEqual(
      expect.objectContaining({
        server: 'git',
        tool: 'resource:blob',
        client: 'reader',
        args: { uri: 'git://app/blob/HEAD/README.md' },
        outcome: 'ok',
      }),
    );
  });
});
