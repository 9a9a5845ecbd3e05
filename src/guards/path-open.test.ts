import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorDirectory,
  openEntrySync,
  openVerifiedSync,
  PathRefusal,
  type Root,
  verifyDescriptor,
} from './path.js';

function readFd(fd: number): string {
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

describe.runIf(process.platform === 'linux')('synchronous opens for walked files', () => {
  let base: string;
  let root: string;
  let outside: string;
  let roots: Root[];

  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-open-')));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    mkdirSync(path.join(root, 'dir'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(root, 'dir', 'data.txt'), 'inside');
    writeFileSync(path.join(outside, 'data.txt'), 'OUTSIDE');
    symlinkSync(path.join(outside, 'data.txt'), path.join(root, 'link.txt'));
    roots = [{ given: root, real: root }];
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('openVerifiedSync opens a file inside and refuses one outside or a link', () => {
    const fd = openVerifiedSync(path.join(root, 'dir', 'data.txt'), roots);
    expect(fd).toBeTypeOf('number');
    expect(readFd(fd as number)).toBe('inside');
    expect(openVerifiedSync(path.join(outside, 'data.txt'), roots)).toBeUndefined();
    expect(openVerifiedSync(path.join(root, 'link.txt'), roots)).toBeUndefined();
    expect(openVerifiedSync(path.join(root, 'missing.txt'), roots)).toBeUndefined();
  });

  it('refuses symlink swap after the directory was verified: the pinned path still opens the verified directory', async () => {
    const dir = path.join(root, 'dir');
    const anchor = await anchorDirectory(dir, roots, 'dir');
    try {
      // The attack: after the walk verified `dir`, swap it for a link to the outside.
      renameSync(dir, path.join(root, 'parked'));
      symlinkSync(outside, dir);
      expect(readFileSync(path.join(dir, 'data.txt'), 'utf8')).toBe('OUTSIDE');
      const fd = openEntrySync(anchor.entry('data.txt'), path.join(dir, 'data.txt'), roots);
      expect(readFd(fd as number)).toBe('inside');
      // Without a pinned path the full check runs, and the swapped path is refused.
      expect(openEntrySync(undefined, path.join(dir, 'data.txt'), roots)).toBeUndefined();
    } finally {
      await anchor.close();
      rmSync(dir);
      renameSync(path.join(root, 'parked'), dir);
    }
  });

  it('never opens a link as the final component of a pinned path', async () => {
    const anchor = await anchorDirectory(root, roots, '.');
    try {
      expect(openEntrySync(anchor.entry('link.txt'), path.join(root, 'link.txt'), roots)).toBeUndefined();
    } finally {
      await anchor.close();
    }
  });

  it('property: a pinned path names one entry of the verified directory, never its parent or a link', async () => {
    const anchor = await anchorDirectory(path.join(root, 'dir'), roots, 'dir');
    try {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.constantFrom('data.txt', '../link.txt', '..', '.', 'a/b', 'nope'),
            fc.string({ maxLength: 12 }),
          ),
          (name) => {
            if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
              expect(() => anchor.entry(name)).toThrow(PathRefusal);
              return;
            }
            const fd = openEntrySync(anchor.entry(name), path.join(anchor.real, name), roots);
            if (fd === undefined) return;
            try {
              expect(readFileSync(fd, 'utf8')).not.toBe('OUTSIDE');
            } catch (error) {
              expect((error as NodeJS.ErrnoException).code).toBe('EISDIR');
            } finally {
              closeSync(fd);
            }
          },
        ),
        { numRuns: 200 },
      );
    } finally {
      await anchor.close();
    }
  });
});

describe.runIf(process.platform === 'linux')('verifyDescriptor', () => {
  it('refuses an outside file whatever its name, even one the kernel would print as deleted', async () => {
    const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-deleted-')));
    try {
      const root = path.join(base, 'root');
      const outside = path.join(base, 'outside');
      mkdirSync(root);
      mkdirSync(outside);
      const named = path.join(outside, 'f (deleted)');
      writeFileSync(named, 'OUTSIDE');
      // The path the check was given leads (through a swapped link) to the same outside file.
      symlinkSync(outside, path.join(root, 'dir'));
      const expected = path.join(root, 'dir', 'f (deleted)');
      const { openSync } = await import('node:fs');
      const fd = openSync(named, 'r');
      try {
        await expect(
          verifyDescriptor(fd, expected, [{ given: root, real: root }], 'dir/f (deleted)'),
        ).rejects.toThrow(PathRefusal);
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
