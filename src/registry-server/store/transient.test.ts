import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.js';
import { GaveUp, isTransient, retryTransient } from './transient.js';

const pgError = (code: string, message = `failed with ${code}`) =>
  Object.assign(new Error(message), { code });
const quick = { attempts: 4, baseMs: 1, capMs: 2 };

describe('isTransient', () => {
  it('takes serialization failures, deadlocks, broken and refused connections as transient', () => {
    for (const code of ['40001', '40P01', '08006', '08003', '57P01', 'ECONNRESET', 'ECONNREFUSED']) {
      expect(isTransient(pgError(code)), code).toBe(true);
    }
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not retry what another try would repeat: missing database, constraint, syntax, plain errors', () => {
    for (const code of ['3D000', '23505', '42601', '28P01'])
      expect(isTransient(pgError(code)), code).toBe(false);
    expect(isTransient(new Error('boom'))).toBe(false);
    expect(isTransient('40P01')).toBe(false);
  });
});

describe('retryTransient', () => {
  it('tries again after a transient failure and returns what the next try gives', async () => {
    const seen: number[] = [];
    const result = await retryTransient(
      async (attempt) => {
        if (attempt < 3) throw pgError('40P01');
        return 'done';
      },
      (_error, attempt) => seen.push(attempt),
      quick,
    );
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2]);
  });

  it('gives up after the bound, keeping the last failure as the cause and its code', async () => {
    let tries = 0;
    const failure = await retryTransient(
      async () => {
        tries++;
        throw pgError('40001', 'could not serialize access');
      },
      () => {},
      quick,
    ).catch((error: unknown) => error);
    expect(tries).toBe(4);
    expect(failure).toBeInstanceOf(GaveUp);
    expect((failure as GaveUp).code).toBe('40001');
    expect((failure as GaveUp).message).toMatch(/could not serialize access \(still failing after 4 tries\)/);
  });

  it('passes any other failure on at once', async () => {
    let tries = 0;
    const failure = pgError('3D000', 'database "gone" does not exist');
    await expect(
      retryTransient(
        async () => {
          tries++;
          throw failure;
        },
        () => {},
        quick,
      ),
    ).rejects.toBe(failure);
    expect(tries).toBe(1);
  });
});

describe('KeyedQueue', () => {
  it('runs tasks of one key one at a time in arrival order, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run('a', task('a1', 20)),
      queue.run('a', task('a2', 1)),
      queue.run('b', task('b1', 5)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('goes on with the next task after one fails', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('first');
    });
    const next = queue.run('a', async () => 'second');
    await expect(failed).rejects.toThrow('first');
    await expect(next).resolves.toBe('second');
  });
});
