import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../core/sandbox.js';
import { canonicalRoots } from '../../guards/path.js';
import { walk } from './walk.js';

const DIRECTORIES = 1500;

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe.runIf(process.platform === 'linux')('walk', () => {
  let base: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-walk-')));
    for (let i = 0; i < DIRECTORIES; i++) {
      const dir = path.join(base, `d${i % 30}`, `e${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'f.txt'), '');
    }
    sandbox = new Sandbox(await canonicalRoots([base]));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const walkAll = (signal: AbortSignal, onEntry: () => void = () => {}) =>
    walk({
      sandbox,
      start: base,
      requested: base,
      signal,
      maxEntries: 1e6,
      onEntry: () => {
        onEntry();
        return true;
      },
    });

  it('lets the event loop run while it walks, so other requests are answered', async () => {
    let turns = 0;
    let walking = true;
    const spin = () => {
      turns++;
      if (walking) setImmediate(spin);
    };
    setImmediate(spin);
    const stats = await walkAll(new AbortController().signal, () => {
      // At least 20 µs of work an entry: 3,030 entries make at least 60 ms of work, whatever the machine.
      const until = performance.now() + 0.02;
      while (performance.now() < until) {}
    });
    walking = false;
    expect(stats.entries).toBe(30 + DIRECTORIES * 2);
    // A slice ends after 5 ms plus at most one directory (~1 ms of work here), so 60 ms of work takes at least
    // ten slices, however much the machine preempts the walk; a walk that held the loop would see one turn.
    expect(turns).toBeGreaterThanOrEqual(8);
  });

  it('stops at the next slice when cancelled, and closes every directory it opened', async () => {
    const before = openDescriptors();
    const controller = new AbortController();
    let entries = 0;
    const walking = walkAll(controller.signal, () => {
      entries++;
      const until = performance.now() + 0.02;
      while (performance.now() < until) {}
    });
    setImmediate(() => controller.abort(new Error('cancelled by the client')));
    await expect(walking).rejects.toThrow('cancelled by the client');
    expect(entries).toBeLessThan(30 + DIRECTORIES * 2);
    expect(openDescriptors()).toBe(before);
  });
});
