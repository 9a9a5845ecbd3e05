import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../../src/registry-server/index.js';
import { makeCertificates } from '../helpers/certificates.js';
import { connectRegistry, type Session } from '../helpers/mcp.js';
import { type RegistryBackend, sqliteBackend } from '../helpers/registry-backends.js';

/** An HTTPS front for an embedded registry that, like a locked-down production one, requires client certificates. */
async function httpsFront(target: string, dir: string): Promise<Server> {
  const file = (name: string) => readFileSync(path.join(dir, name));
  const server = createServer(
    {
      key: file('server.key'),
      cert: file('server.crt'),
      ca: file('ca.crt'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await answer.arrayBuffer()));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('registry tools over TLS', () => {
  let dir: string;
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  let front: Server;
  let url: string;
  const sessions: Session[] = [];

  const connect = async (entry: Record<string, unknown>) => {
    const session = await connectRegistry({ registries: [{ name: 'secure', url, ...entry }] });
    sessions.push(session);
    return session;
  };
  const reach = async (session: Session) =>
    (await session.call('test_registry_connection', {})).structured as { reachable: boolean; error?: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-tls-'));
    makeCertificates(dir, { client: true });
    backend = sqliteBackend();
    registry = await backend.start();
    front = await httpsFront(registry.url, dir);
    url = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const session of sessions) await session.close();
    front?.close();
    await backend?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a registry whose certificate no trusted CA signed (a man in the middle)', async () => {
    const result = await reach(await connect({}));
    expect(result.reachable).toBe(false);
    expect(result.error).toMatch(
      /cannot reach https:\/\/127\.0\.0\.1:\d+\/?: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/,
    );
  });

  it('trusts the configured CA, and fails the handshake without the client certificate mTLS needs', async () => {
    const result = await reach(await connect({ tlsCa: path.join(dir, 'ca.crt') }));
    expect(result.reachable).toBe(false);
    expect(result.error).toMatch(/cannot reach/);
  });

  it('presents the configured client certificate, and then reads and writes', async () => {
    const session = await connect({
      tlsCa: path.join(dir, 'ca.crt'),
      tlsCert: path.join(dir, 'client.crt'),
      tlsKey: path.join(dir, 'client.key'),
    });
    expect(await reach(session)).toMatchObject({ reachable: true, compatibility: 'BACKWARD' });
    const schema = JSON.stringify({ type: 'record', name: 'Tls', fields: [{ name: 'id', type: 'long' }] });
    const registered = await session.call('register_schema', { subject: 'tls-value', schema });
    expect(registered.isError, registered.text).toBe(false);
    expect(await (await fetch(`${registry.url}/subjects`)).json()).toEqual(['tls-value']);
  });
});
