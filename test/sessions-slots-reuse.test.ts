import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnStdioServer } from './helpers/process.js';
import { REDIS_URL } from './helpers/redis.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';
import { describeWithService } from './helpers/services.js';

/** Issue 20, point 6: slots must not outlive a clean disconnect, or a small pool runs dry after a few sessions. */
function slotsReuseSuite(storeArgs: () => string[]): void {
  let layout: Layout;
  beforeAll(() => {
    layout = makeLayout();
  });
  afterAll(() => layout?.cleanup());

  it('with --max-slots 3, a fourth sequential session gets a slot', async () => {
    const args = ['sessions', layout.root, ...storeArgs(), '--max-slots', '3', '--log-level', 'error'];
    for (let session = 1; session <= 4; session++) {
      const server = await spawnStdioServer(args);
      try {
        const signed = await server.callTool('sign_on');
        expect(signed.isError, JSON.stringify(signed.content)).toBeFalsy();
        expect(JSON.stringify(signed.content)).toMatch(/Signed on as claude_[123] /);
        expect((await server.stop('stdin')).code).toBe(0);
      } finally {
        server.kill();
      }
    }
  });
}

describe('sessions give their slot back on a clean disconnect (file store)', () => {
  slotsReuseSuite(() => []);
});

await describeWithService(
  'Redis',
  6379,
  'sessions give their slot back on a clean disconnect (Redis store)',
  () => {
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
    slotsReuseSuite(() => ['--store', 'redis', '--redis-url', REDIS_URL, '--redis-key-prefix', prefix]);
  },
);
