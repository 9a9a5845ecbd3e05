import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectFromRemote } from '../src/servers/sessions/identity.js';
import type { PreparedSessions } from '../src/servers/sessions/index.js';
import { git, initRepo } from './helpers/git.js';
import { connectSessions, prepareSessionsForTest, type Session, spawnRampart } from './helpers/mcp.js';
import { createAclUser, REDIS_URL } from './helpers/redis.js';
import { describeWithService } from './helpers/services.js';

/**
 * Runs `body` with a fresh sessions server for `config` and two signed-on client sessions (claude_1, claude_2),
 * closing everything afterwards.
 */
async function withTwoSessions(
  config: Record<string, unknown>,
  body: (one: Session, two: Session, prepared: PreparedSessions) => Promise<void>,
): Promise<void> {
  const p = await prepareSessionsForTest(config);
  const one = await connectSessions(p);
  const two = await connectSessions(p);
  try {
    await one.call('sign_on', {});
    await two.call('sign_on', {});
    await body(one, two, p);
  } finally {
    await one.close();
    await two.close();
    await p.close();
  }
}

let base: string;
let prepared: PreparedSessions;
let a: Session;
let b: Session;

beforeAll(async () => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-sessions-e2e-')));
  prepared = await prepareSessionsForTest({ projectDir: base, project: 'acme/app', machineId: 'laptop' });
  a = await connectSessions(prepared);
  b = await connectSessions(prepared);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await prepared?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('sessions server: the seed coordinator’s tools', () => {
  it('lists the parity tools and the atomic ones, with true annotations', async () => {
    const { tools } = await a.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of [
      'sign_on',
      'sign_off',
      'store_data',
      'retrieve_data',
      'delete_data',
      'list_keys',
      'list_scopes',
      'delete_scope',
      'compare_and_set',
      'increment',
    ]) {
      expect(byName.has(name), name).toBe(true);
      expect(byName.get(name)?.outputSchema, name).toBeDefined();
    }
    expect(byName.get('retrieve_data')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('delete_scope')?.annotations?.destructiveHint).toBe(true);
  });

  it('refuses shared state before sign_on, naming what to do', async () => {
    const result = await a.call('store_data', { scope: 's', key: 'k', value: 1 });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('sign on first: call sign_on');
  });

  it('gives each session its own slot, and refuses a slot another session holds', async () => {
    const first = await a.call('sign_on', {});
    expect(first.structured).toMatchObject({
      session_id: 'claude_1',
      machine: 'laptop',
      project: 'acme/app',
    });
    expect((await b.call('sign_on', {})).structured?.session_id).toBe('claude_2');
    const clash = await b.call('sign_on', { session_id: 'claude_1' });
    expect(clash.isError).toBe(true);
    expect(clash.text).toMatch(/session claude_1 is held by another session on laptop until/);
    // The refusal kept the slot it already held.
    expect((await b.call('list_keys', { scope: 'x' })).isError).toBe(false);
    expect((await b.call('sign_on', {})).structured?.session_id).toBe('claude_2');
  });

  it('stores, retrieves, lists and deletes shared values', async () => {
    expect(
      (await a.call('store_data', { scope: 'issue:42', key: 'status', value: { step: 2, todo: ['x'] } }))
        .structured,
    ).toEqual({ version: 1 });
    const read = await b.call('retrieve_data', { scope: 'issue:42', key: 'status' });
    expect(read.structured).toMatchObject({ value: { step: 2, todo: ['x'] }, version: 1 });
    await b.call('store_data', { scope: 'issue:7', key: 'owner', value: 'claude_2' });
    expect((await a.call('list_keys', { scope: 'issue:42' })).structured).toEqual({ keys: ['status'] });
    expect((await a.call('list_scopes', { pattern: 'issue:*' })).structured).toEqual({
      scopes: ['issue:42', 'issue:7'],
    });
    expect((await a.call('list_scopes', { pattern: 'issue:4?' })).structured).toEqual({
      scopes: ['issue:42'],
    });
    expect((await a.call('retrieve_data', { scope: 'issue:42', key: 'missing' })).structured).toMatchObject({
      value: null,
      version: 0,
    });
    expect((await a.call('delete_data', { scope: 'issue:42', key: 'status' })).structured).toEqual({
      deleted: true,
    });
    expect((await a.call('delete_scope', { scope: 'issue:7' })).structured).toEqual({ deleted: true });
    expect((await a.call('list_scopes', { pattern: 'issue:*' })).structured).toEqual({ scopes: [] });
  });

  it('compare_and_set refuses a stale version, and increment adds atomically', async () => {
    expect(
      (
        await a.call('compare_and_set', {
          scope: 'plan',
          key: 'owner',
          expected_version: 0,
          value: 'claude_1',
        })
      ).structured,
    ).toMatchObject({ swapped: true, version: 1 });
    const stale = await b.call('compare_and_set', {
      scope: 'plan',
      key: 'owner',
      expected_version: 0,
      value: 'claude_2',
    });
    expect(stale.structured).toMatchObject({ swapped: false, version: 1, value: 'claude_1' });
    expect(stale.text).toContain('read it again and retry');
    expect((await a.call('increment', { scope: 'plan', key: 'count' })).structured).toEqual({
      value: 1,
      version: 1,
    });
    expect((await b.call('increment', { scope: 'plan', key: 'count', by: 4 })).structured).toEqual({
      value: 5,
      version: 2,
    });
    const text = await a.call('increment', { scope: 'plan', key: 'owner' });
    expect(text.isError).toBe(true);
    expect(text.text).toContain('not a number');
  });

  it('refuses names with control characters, and keeps "../" names inside the store', async () => {
    expect((await a.call('store_data', { scope: 'bad\nscope', key: 'k', value: 1 })).text).toContain(
      'control character',
    );
    expect((await a.call('store_data', { scope: '../../outside', key: '../k', value: 1 })).isError).toBe(
      false,
    );
    expect((await b.call('retrieve_data', { scope: '../../outside', key: '../k' })).structured?.value).toBe(
      1,
    );
  });

  it('sign_off frees the slot for the next session', async () => {
    expect((await a.call('sign_off', {})).structured).toMatchObject({
      status: 'signed off',
      session: { session_id: 'claude_1' },
    });
    expect((await a.call('sign_off', {})).structured).toEqual({ status: 'no active session' });
    const c = await connectSessions(prepared);
    try {
      expect((await c.call('sign_on', {})).structured?.session_id).toBe('claude_1');
    } finally {
      await c.close();
    }
  });
});

describe('sessions server: leases', () => {
  it('an expired lease frees its slot, and its holder learns it on its next call', async () => {
    const short = await prepareSessionsForTest({
      projectDir: base,
      project: 'acme/lease',
      sessionTtlMs: 1_000,
    });
    const first = await connectSessions(short);
    const second = await connectSessions(short);
    try {
      expect((await first.call('sign_on', {})).structured?.session_id).toBe('claude_1');
      await sleep(600);
      expect((await first.call('list_keys', { scope: 'x' })).isError).toBe(false);
      await sleep(600);
      // Renewed by the call above: still held.
      expect((await second.call('sign_on', {})).structured?.session_id).toBe('claude_2');
      await sleep(1_200);
      expect((await second.call('sign_on', { session_id: 'claude_1' })).structured?.session_id).toBe(
        'claude_1',
      );
      const late = await first.call('store_data', { scope: 'x', key: 'k', value: 1 });
      expect(late.isError).toBe(true);
      expect(late.text).toMatch(/session claude_1 expired at .* call sign_on again/);
    } finally {
      await first.close();
      await second.close();
      await short.close();
    }
  });
});

describe('sessions server: leases and messages', () => {
  it('leases: exclusive against shared, globs against paths, with who holds what until when', async () => {
    await withTwoSessions({ projectDir: base, project: 'acme/leases' }, async (one, two) => {
      const api = await one.call('acquire_lease', { resource: 'path:src/api/**' });
      expect(api.structured).toMatchObject({
        acquired: true,
        lease: { resource: 'path:src/api/**', mode: 'exclusive', session: 'claude_1' },
      });
      const clash = await two.call('acquire_lease', { resource: 'path:src/api/users.ts', mode: 'shared' });
      expect(clash.structured).toMatchObject({
        acquired: false,
        held_by: [{ resource: 'path:src/api/**', session: 'claude_1' }],
      });
      expect(clash.text).toMatch(/held by:\n {2}claude_1 .*exclusive path:src\/api\/\*\* until/);
      expect(
        (await two.call('acquire_lease', { resource: 'path:src/web/app.ts' })).structured?.acquired,
      ).toBe(true);
      expect(
        (await one.call('acquire_lease', { resource: 'docs', mode: 'shared' })).structured?.acquired,
      ).toBe(true);
      expect(
        (await two.call('acquire_lease', { resource: 'docs', mode: 'shared' })).structured?.acquired,
      ).toBe(true);
      expect(
        (await two.call('acquire_lease', { resource: 'docs', mode: 'exclusive' })).structured?.acquired,
      ).toBe(false);
      const list = await one.call('list_leases', {});
      expect(
        ((list.structured?.leases ?? []) as { resource: string }[]).map((l) => l.resource).sort(),
      ).toEqual(['docs', 'docs', 'path:src/api/**', 'path:src/web/app.ts']);
      expect((await two.call('release_lease', { resource: 'path:src/api/**' })).structured).toEqual({
        released: false,
      });
      expect((await one.call('release_lease', { resource: 'path:src/api/**' })).structured).toEqual({
        released: true,
      });
      expect(
        (await two.call('acquire_lease', { resource: 'path:src/api/users.ts' })).structured?.acquired,
      ).toBe(true);
      expect(
        (await two.call('renew_lease', { resource: 'path:src/api/users.ts', ttl_seconds: 60 })).isError,
      ).toBe(false);
      expect((await one.call('renew_lease', { resource: 'path:src/api/users.ts' })).text).toContain(
        'holds no lease',
      );
    });
  });

  it('a lease that is not renewed expires and frees the resource', async () => {
    await withTwoSessions({ projectDir: base, project: 'acme/lease-expiry' }, async (one, two) => {
      expect(
        (await one.call('acquire_lease', { resource: 'deploy', ttl_seconds: 1 })).structured?.acquired,
      ).toBe(true);
      expect((await two.call('acquire_lease', { resource: 'deploy' })).structured?.acquired).toBe(false);
      await sleep(1_200);
      expect((await two.call('acquire_lease', { resource: 'deploy' })).structured?.acquired).toBe(true);
    });
  });

  it('inboxes: send, reply in a thread, read unacknowledged, acknowledge', async () => {
    await withTwoSessions({ projectDir: base, project: 'acme/inbox' }, async (one, two) => {
      const sent = await one.call('send_message', { to: 'claude_2', body: { ask: 'can you take #42?' } });
      const thread = sent.structured?.thread as string;
      expect(thread).toBe(sent.structured?.id);
      const inbox = await two.call('read_inbox', {});
      expect(inbox.structured?.messages).toMatchObject([
        { from: 'claude_1', thread, body: { ask: 'can you take #42?' }, acked: false },
      ]);
      const reply = await two.call('send_message', { to: 'claude_1', body: 'yes', thread });
      expect(reply.structured?.thread).toBe(thread);
      expect((await one.call('read_inbox', { thread })).structured?.messages).toMatchObject([
        { from: 'claude_2', body: 'yes' },
      ]);
      const id = ((inbox.structured?.messages ?? []) as { id: string }[])[0]?.id as string;
      expect((await two.call('ack_messages', { ids: [id, 'unknown'] })).structured).toEqual({
        acknowledged: 1,
      });
      expect((await two.call('read_inbox', {})).structured?.messages).toEqual([]);
      expect((await two.call('read_inbox', { unacked_only: false })).structured?.messages).toMatchObject([
        { id, acked: true },
      ]);
    });
  });
});

describe('sessions server: resources, prompts and storage settings', () => {
  it('serves session://context, session://state/{id} and session://storage-config', async () => {
    const p = await prepareSessionsForTest({
      projectDir: base,
      project: 'acme/resources',
      machineId: 'desk',
    });
    const one = await connectSessions(p);
    try {
      await one.call('sign_on', {});
      await one.call('store_data', {
        scope: 'session:claude_1',
        key: 'todos',
        value: [{ task: 'write docs', status: 'open' }],
      });
      const read = async (uri: string) =>
        JSON.parse(((await one.client.readResource({ uri })).contents[0] as { text: string }).text);
      expect(await read('session://context')).toMatchObject({
        machine: 'desk',
        project: 'acme/resources',
        current_session: 'claude_1',
        active_sessions: [{ session_id: 'claude_1', machine: 'desk' }],
        first_available: 'claude_2',
      });
      expect(await read('session://state/claude_1')).toMatchObject({
        session_id: 'claude_1',
        signed_on: { machine: 'desk' },
        state: { todos: [{ task: 'write docs', status: 'open' }] },
      });
      expect(await read('session://storage-config')).toMatchObject({
        current: { store: 'file' },
        options: { redis: { ready: false } },
      });
      const { resources } = await one.client.listResources();
      expect(resources.map((r) => r.uri)).toEqual(
        expect.arrayContaining(['session://context', 'session://storage-config', 'session://state/claude_1']),
      );
      const { prompts } = await one.client.listPrompts();
      expect(prompts.map((x) => x.name).sort()).toEqual(['first_run_storage', 'sign_off', 'startup']);
      const promptText = async (name: string) =>
        ((await one.client.getPrompt({ name })).messages[0]?.content as { text?: string } | undefined)
          ?.text ?? '';
      expect(await promptText('sign_off')).toContain('- write docs');
      expect(await promptText('startup')).toContain('Project acme/resources on desk');
      expect(await promptText('first_run_storage')).toContain('not ready: start the server with --redis-url');
    } finally {
      await one.close();
      await p.close();
    }
  });

  it('refuses to switch to Redis without a Redis URL, saying how, and changes nothing', async () => {
    const p = await prepareSessionsForTest({ projectDir: base, project: 'acme/no-redis' });
    const one = await connectSessions(p);
    try {
      const result = await one.call('update_storage_settings', {
        adapter: 'redis',
        scope: 'team',
        reason: 'team work',
      });
      expect(result.isError).toBe(true);
      expect(result.text).toContain('restart it with --redis-url');
      expect(result.text).toContain('nothing was changed');
      expect(p.store().kind).toBe('file');
    } finally {
      await one.close();
      await p.close();
    }
  });
});

/** 16 clients of one server sign on at the same moment; each must get its own slot. */
async function sixteenSignOns(config: Record<string, unknown>): Promise<string[]> {
  const p = await prepareSessionsForTest(config);
  const clients = await Promise.all(Array.from({ length: 16 }, () => connectSessions(p)));
  try {
    const results = await Promise.all(clients.map((c) => c.call('sign_on', {})));
    return results.map((r) => String(r.structured?.session_id));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await p.close();
  }
}

describe('sessions server: simultaneous sign_on', () => {
  it('16 simultaneous sign_on calls get 16 distinct slots (file store)', async () => {
    const slots = await sixteenSignOns({ projectDir: base, project: 'acme/sixteen' });
    expect(new Set(slots).size).toBe(16);
    expect(slots.every((s) => /^claude_([1-9]|1[0-6])$/.test(s))).toBe(true);
  });
});

describe('sessions server: identity', () => {
  it('names the project from its git remote, in every URL form, else from the directory', async () => {
    expect(projectFromRemote('git@github.com:acme/app.git')).toBe('acme/app');
    expect(projectFromRemote('https://github.com/acme/app.git/')).toBe('acme/app');
    expect(projectFromRemote('ssh://git@gitlab.example.com:2222/group/sub/app.git')).toBe('sub/app');
    expect(projectFromRemote('/srv/git/app.git')).toBeUndefined();
    const repo = initRepo(path.join(base, 'checkout'));
    git(repo, ['remote', 'add', 'origin', 'git@github.com:acme/from-remote.git']);
    const fromRemote = await prepareSessionsForTest({ projectDir: repo });
    const plain = await prepareSessionsForTest({ projectDir: path.join(base, 'checkout', '..') });
    try {
      expect(fromRemote.identity.project).toBe('acme/from-remote');
      expect(plain.identity.project).toBe(path.basename(base));
    } finally {
      await fromRemote.close();
      await plain.close();
    }
  });
});

await describeWithService('Redis', 6379, 'sessions server over Redis', () => {
  it('16 simultaneous sign_on calls get 16 distinct slots, and a lapsed lease is reported (Redis store)', async () => {
    const user = await createAclUser();
    const redis = {
      store: 'redis',
      redisUrl: REDIS_URL,
      redisUsername: user.username,
      redisPassword: user.password,
      redisKeyPrefix: user.keyPrefix,
    };
    try {
      const slots = await sixteenSignOns({ projectDir: base, project: 'acme/sixteen-redis', ...redis });
      expect(new Set(slots).size).toBe(16);
      await withTwoSessions(
        { projectDir: base, project: 'acme/lapse-redis', sessionTtlMs: 1_000, ...redis },
        async (one, two) => {
          await sleep(1_300);
          expect((await two.call('sign_on', { session_id: 'claude_1' })).structured?.session_id).toBe(
            'claude_1',
          );
          const late = await one.call('list_keys', { scope: 'x' });
          expect(late.text).toMatch(/session claude_1 expired at .* call sign_on again/);
        },
      );
    } finally {
      await user.remove();
    }
  });

  it('update_storage_settings moves a running project from files to Redis, and the choice holds at the next start', async () => {
    const user = await createAclUser();
    const projectDir = mkdtempSync(path.join(os.tmpdir(), 'rampart-sessions-switch-'));
    const redis = {
      redisUrl: REDIS_URL,
      redisUsername: user.username,
      redisPassword: user.password,
      redisKeyPrefix: user.keyPrefix,
    };
    const p = await prepareSessionsForTest({ projectDir, project: 'acme/switch', ...redis });
    const one = await connectSessions(p);
    const two = await connectSessions(p);
    try {
      await one.call('sign_on', {});
      await two.call('sign_on', {});
      await one.call('store_data', { scope: 'plan', key: 'steps', value: ['a', 'b'] });
      await one.call('increment', { scope: 'plan', key: 'n', by: 3 });
      await one.call('acquire_lease', { resource: 'deploy' });
      await one.call('send_message', { to: 'claude_2', body: 'hand-off' });
      const switched = await two.call('update_storage_settings', {
        adapter: 'redis',
        scope: 'team',
        reason: 'two laptops',
      });
      expect(switched.structured).toMatchObject({
        status: 'switched',
        store: 'redis',
        migrated: { scopes: 1, keys: 2, documents: 2, sessions: 2 },
      });
      expect(p.store().kind).toBe('redis');
      // Sessions, state, leases and inboxes carried over: nobody had to sign on again.
      expect((await one.call('retrieve_data', { scope: 'plan', key: 'steps' })).structured?.value).toEqual([
        'a',
        'b',
      ]);
      expect((await two.call('acquire_lease', { resource: 'deploy' })).structured?.acquired).toBe(false);
      expect((await two.call('read_inbox', {})).structured?.messages).toMatchObject([{ body: 'hand-off' }]);
      const again = await prepareSessionsForTest({ projectDir, project: 'acme/switch', ...redis });
      try {
        expect(again.store().kind).toBe('redis');
      } finally {
        await again.close();
      }
    } finally {
      await one.close();
      await two.close();
      await p.close();
      await user.remove();
      rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it('two processes with different machine ids share state through Redis', async () => {
    const user = await createAclUser();
    const env = { RAMPART_SESSIONS_REDIS_PASSWORD: user.password };
    const args = (machine: string) => [
      'sessions',
      base,
      '--store',
      'redis',
      '--redis-url',
      REDIS_URL,
      '--redis-username',
      user.username,
      '--redis-key-prefix',
      user.keyPrefix,
      '--project',
      'acme/shared',
      '--machine-id',
      machine,
    ];
    const one = await spawnRampart(args('machine-a'), env);
    const two = await spawnRampart(args('machine-b'), env);
    try {
      expect((await one.call('sign_on', {})).structured).toMatchObject({
        session_id: 'claude_1',
        machine: 'machine-a',
      });
      expect((await two.call('sign_on', {})).structured).toMatchObject({
        session_id: 'claude_2',
        machine: 'machine-b',
      });
      await one.call('store_data', { scope: 'team', key: 'plan', value: { owner: 'machine-a' } });
      expect((await two.call('retrieve_data', { scope: 'team', key: 'plan' })).structured?.value).toEqual({
        owner: 'machine-a',
      });
      await two.call('increment', { scope: 'team', key: 'n' });
      expect((await one.call('increment', { scope: 'team', key: 'n' })).structured?.value).toBe(2);
    } finally {
      await one.close();
      await two.close();
      await user.remove();
    }
  });
});
