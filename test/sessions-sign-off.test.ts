import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOneShot, spawnStdioServer } from './helpers/process.js';
import { REDIS_URL } from './helpers/redis.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

/**
 * With one slot, a slot that is not freed shows at once: the next sign-on is refused. So every test here runs
 * the sessions server with --max-slots 1.
 */
function signOffSuite(storeArgs: () => string[]): void {
  let layout: Layout;
  const sessions = () => [
    'sessions',
    layout.root,
    ...storeArgs(),
    '--max-slots',
    '1',
    '--log-level',
    'error',
  ];

  beforeAll(() => {
    layout = makeLayout();
  });
  afterAll(() => layout?.cleanup());

  it('a one-shot call signs on by itself, so a tool that needs a session answers', async () => {
    const stored = await runOneShot([
      'call',
      ...sessions(),
      'store_data',
      '{"scope":"notes","key":"k","value":{"n":1}}',
    ]);
    expect(stored.stdout, stored.stderr).toMatch(/^Stored \(version \d+\)/);
    expect(stored.code).toBe(0);
    expect(stored.stderr).toMatch(/signed on as claude_1 for this call/);
    const read = await runOneShot(['call', ...sessions(), 'retrieve_data', '{"scope":"notes","key":"k"}']);
    expect(read.code, read.stdout).toBe(0);
    expect(read.stdout).toContain('"n": 1');
  });

  it('a one-shot call signs off when it ends: three sign_on calls in a row each get the one slot', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await runOneShot(['call', ...sessions(), 'sign_on']);
      expect(run.stdout, run.stderr).toMatch(/^Signed on as claude_1 /);
      expect(run.code).toBe(0);
    }
  });

  it('a server whose stdin closes, or that gets SIGTERM, frees its slot at once', async () => {
    const first = await spawnStdioServer(sessions());
    const second = await spawnStdioServer(sessions());
    try {
      expect((await first.callTool('sign_on')).isError).toBeFalsy();
      // While the first holds the only slot, the second is refused: the slot really is held.
      const refused = await second.callTool('sign_on');
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/all 1 session slots are taken/);

      expect((await first.stop('stdin')).code).toBe(0);
      expect((await second.callTool('sign_on')).isError).toBeFalsy();

      expect((await second.stop('SIGTERM')).code).toBe(0);
      const after = await runOneShot(['call', ...sessions(), 'sign_on']);
      expect(after.stdout, after.stderr).toMatch(/^Signed on as claude_1 /);
    } finally {
      first.kill();
      second.kill();
    }
  });
}

describe('sessions sign off on close (file store)', () => {
  signOffSuite(() => []);
});

await describeWithService('Redis', 6379, 'sessions sign off on close (Redis store)', () => {
  const prefix = `rampart-test:${randomBytes(5).toString('hex')}:`;
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  });
  signOffSuite(() => ['--store', 'redis', '--redis-url', REDIS_URL, '--redis-key-prefix', prefix]);
});
