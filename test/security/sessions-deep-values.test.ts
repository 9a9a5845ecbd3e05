import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSessions, prepareSessionsForTest, type Session } from '../helpers/mcp.js';
import { createAclUser, REDIS_URL } from '../helpers/redis.js';
import { describeWithService } from '../helpers/services.js';

const DEPTH = 100_000;
const deepText = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const TOO_DEEP = 'objects and arrays nested more than 256 levels deep; the limit is 256';

let base: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-sessions-deep-')));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

/** A signed-on client of a fresh sessions server for `config`; closes both afterwards. */
async function withSession(
  config: Record<string, unknown>,
  body: (s: Session) => Promise<void>,
): Promise<void> {
  const prepared = await prepareSessionsForTest({ projectDir: base, machineId: 'laptop', ...config });
  const session = await connectSessions(prepared);
  try {
    await session.call('sign_on', {});
    await body(session);
  } finally {
    await session.close();
    await prepared.close();
  }
}

describe('sessions: values nested deeper than the stack', () => {
  it('refuses to store a value nested 100,000 deep with a clear error', async () => {
    await withSession({ project: 'acme/store-deep' }, async (s) => {
      const deep = JSON.parse(deepText);
      for (const [tool, args] of [
        ['store_data', { scope: 'team', key: 'x', value: deep }],
        ['compare_and_set', { scope: 'team', key: 'x', expected_version: 0, value: deep }],
      ] as const) {
        expect(await s.call(tool, args), tool).toMatchObject({
          isError: true,
          text: `arguments: ${TOO_DEEP}`,
        });
      }
      expect((await s.call('retrieve_data', { scope: 'team', key: 'x' })).structured?.version).toBe(0);
    });
  });

  it('sets aside a state file holding a value nested 100,000 deep, and the scope stays usable', async () => {
    await withSession({ project: 'acme/file-deep' }, async (s) => {
      await s.call('store_data', { scope: 'team', key: 'x', value: 1 });
      const scopes = path.join(base, '.claude/session-state');
      const file = findFile(scopes, (text) => text.includes('"entries"'));
      writeFileSync(file, readFileSync(file, 'utf8').replace('"value":1', `"value":${deepText}`));
      const read = await s.call('retrieve_data', { scope: 'team', key: 'x' });
      expect(read.isError).toBe(true);
      expect(read.text).toMatch(/state file .* is corrupt; it was moved to .* for inspection/);
      expect((await s.call('store_data', { scope: 'team', key: 'y', value: 2 })).isError).toBe(false);
      expect((await s.call('retrieve_data', { scope: 'team', key: 'y' })).structured?.value).toBe(2);
    });
  });
});

function findFile(dir: string, match: (text: string) => boolean): string {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && full.endsWith('.json') && match(readFileSync(full, 'utf8'))) return full;
  }
  throw new Error(`no matching state file under ${dir}`);
}

await describeWithService('Redis', 6379, 'sessions: values another machine put in a shared Redis', () => {
  it('refuses a value nested 100,000 deep with a clear error, and the rest of its scope still reads', async () => {
    const user = await createAclUser();
    const admin = new Redis(REDIS_URL);
    try {
      const redis = {
        store: 'redis',
        redisUrl: REDIS_URL,
        redisUsername: user.username,
        redisPassword: user.password,
        redisKeyPrefix: user.keyPrefix,
      };
      await withSession({ project: 'acme/redis-deep', ...redis }, async (s) => {
        await s.call('store_data', { scope: 'team', key: 'x', value: 1 });
        await s.call('store_data', { scope: 'team', key: 'y', value: 2 });
        let scope: string | undefined;
        for (const key of await admin.keys(`${user.keyPrefix}*`))
          if ((await admin.type(key)) === 'hash' && (await admin.hexists(key, 'v:y'))) scope = key;
        expect(scope).toBeDefined();
        await admin.hset(scope as string, 'v:x', deepText);
        for (const [tool, args] of [
          ['retrieve_data', { scope: 'team', key: 'x' }],
          ['compare_and_set', { scope: 'team', key: 'x', expected_version: 99, value: 3 }],
        ] as const) {
          expect(await s.call(tool, args), tool).toMatchObject({
            isError: true,
            text: `the value stored under scope "team", key "x": ${TOO_DEEP}; delete_data removes it`,
          });
        }
        expect((await s.call('retrieve_data', { scope: 'team', key: 'y' })).structured?.value).toBe(2);
        expect((await s.call('delete_data', { scope: 'team', key: 'x' })).structured?.deleted).toBe(true);
      });
    } finally {
      admin.disconnect();
      await user.remove();
    }
  });
});
