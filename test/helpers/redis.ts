import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface AclUser {
  readonly username: string;
  readonly password: string;
  /** Keys this user may touch start with it. */
  readonly keyPrefix: string;
  remove(): Promise<void>;
}

/**
 * A Redis ACL user that may touch only keys under a fresh prefix, made through the default user; the
 * tests then connect as it, as a production deployment would.
 */
export async function createAclUser(): Promise<AclUser> {
  const id = randomBytes(5).toString('hex');
  const username = `rampart-test-${id}`;
  const password = randomBytes(12).toString('hex');
  const keyPrefix = `rampart-test:${id}:`;
  const admin = new Redis(REDIS_URL, { lazyConnect: true });
  await admin.connect();
  try {
    await admin.call(
      'ACL',
      'SETUSER',
      username,
      'reset',
      'on',
      `>${password}`,
      `~${keyPrefix}*`,
      '+@all',
      '-@admin',
      '-@dangerous',
      '+scan',
    );
  } finally {
    admin.disconnect();
  }
  return {
    username,
    password,
    keyPrefix,
    async remove() {
      const cleaner = new Redis(REDIS_URL, { lazyConnect: true });
      await cleaner.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await cleaner.del(...keys);
          cursor = next;
        } while (cursor !== '0');
        await cleaner.call('ACL', 'DELUSER', username);
      } finally {
        cleaner.disconnect();
      }
    },
  };
}
