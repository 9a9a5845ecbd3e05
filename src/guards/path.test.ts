import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorDirectory,
  assertCleanInput,
  canonicalRoots,
  describeRoots,
  intersectRoots,
  isWithin,
  isWithinAny,
  lexicalResolve,
  OPEN_READ_FLAGS,
  PathRefusal,
  type Root,
  realRoots,
  resolveExisting,
  resolveForCreate,
  verifyDescriptor,
} from './path.js';

/**
 * The layout every test here shares:
 *   base/root/                 the only allowed root
 *   base/root/file.txt
 *   base/root/sub/inner.txt
 *   base/root/in_link       -> root/sub             (inside: allowed)
 *   base/root/in_file_link  -> root/file.txt        (inside: allowed)
 *   base/root/out_link      -> base/outside         (leads out)
 *   base/root/out_file_link -> base/outside/secret.txt
 *   base/root/dangling      -> base/outside/not-yet.txt
 *   base/root/dangling_in   -> root/not-yet.txt
 *   base/root/loop          -> root/loop
 *   base/root_secret/secret.txt   a prefix sibling of root
 *   base/outside/secret.txt
 */
let base: string;
let root: string;
let outside: string;
let sibling: string;
let roots: Root[];

const temps: string[] = [];
function tempDir(prefix = 'rampart-path-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

beforeAll(() => {
  base = tempDir();
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  sibling = path.join(base, 'root_secret');
  for (const dir of [root, outside, sibling, path.join(root, 'sub')]) mkdirSync(dir);
  writeFileSync(path.join(root, 'file.txt'), 'inside\n');
  writeFileSync(path.join(root, 'sub', 'inner.txt'), 'inner\n');
  writeFileSync(path.join(outside, 'secret.txt'), 'SECRET\n');
  writeFileSync(path.join(sibling, 'secret.txt'), 'SECRET\n');
  symlinkSync(path.join(root, 'sub'), path.join(root, 'in_link'));
  symlinkSync(path.join(root, 'file.txt'), path.join(root, 'in_file_link'));
  symlinkSync(outside, path.join(root, 'out_link'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'out_file_link'));
  symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling'));
  symlinkSync(path.join(root, 'not-yet.txt'), path.join(root, 'dangling_in'));
  symlinkSync(path.join(root, 'loop'), path.join(root, 'loop'));
  roots = [{ given: root, real: root }];
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Path segments a hostile client might send, unicode and dot segments included. */
const segment = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '',
    '...',
    '~',
    'root',
    'root_secret',
    'outside',
    'sub',
    'a b',
    'é',
    '日本',
    '🙂',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((s) => !s.includes('/')),
);

/** Names that exist in the fixture layout, plus traversal segments. */
const fixtureSegment = fc.constantFrom(
  'file.txt',
  'sub',
  'inner.txt',
  'in_link',
  'in_file_link',
  'out_link',
  'out_file_link',
  'dangling',
  'dangling_in',
  'loop',
  'secret.txt',
  'root',
  'root_secret',
  'outside',
  'new.txt',
  '..',
  '.',
  '',
);

async function refusalOrValue<T>(run: () => Promise<T>): Promise<T | PathRefusal> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PathRefusal) return error;
    throw error;
  }
}

describe('isWithin', () => {
  it('accepts the root itself and paths below it', () => {
    expect(isWithin('/x/root', '/x/root')).toBe(true);
    expect(isWithin('/x/root', '/x/root/a')).toBe(true);
    expect(isWithin('/x/root', '/x/root/a/b/c')).toBe(true);
    expect(isWithin('/', '/anything')).toBe(true);
  });

  it('refuses a prefix sibling (/x/root vs /x/root_secret)', () => {
    expect(isWithin('/x/root', '/x/root_secret')).toBe(false);
    expect(isWithin('/x/root', '/x/root_secret/file')).toBe(false);
    expect(isWithin('/x/root', '/x/rootfile')).toBe(false);
    expect(isWithin('/x/root', '/x')).toBe(false);
  });

  it('never counts a sibling whose name merely starts with the root name', () => {
    const name = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !s.includes('/'));
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 4 }),
        name,
        name,
        fc.array(name, { maxLength: 3 }),
        (parents, rootName, suffix, below) => {
          const rootPath = `/${[...parents, rootName].join('/')}`;
          const siblingPath = `/${[...parents, rootName + suffix, ...below].join('/')}`;
          expect(isWithin(rootPath, siblingPath)).toBe(false);
          expect(isWithin(rootPath, `${rootPath}/${[suffix, ...below].join('/')}`)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('isWithinAny is true exactly when one root contains the candidate', () => {
    expect(isWithinAny(['/a', '/b'], '/b/c')).toBe(true);
    expect(isWithinAny(['/a', '/b'], '/ab')).toBe(false);
    expect(isWithinAny([], '/a')).toBe(false);
  });
});

describe('assertCleanInput', () => {
  it('refuses NUL bytes', () => {
    expect(() => assertCleanInput('a\0b')).toThrow(PathRefusal);
    expect(() => assertCleanInput('a\0b')).toThrow(/NUL byte/);
    expect(() => lexicalResolve(`${root}/file.txt\0../../etc/passwd`, roots)).toThrow(/NUL byte/);
  });

  it('refuses empty input and names the argument', () => {
    expect(() => assertCleanInput('', 'destination')).toThrow('destination is empty');
  });

  it('refuses paths over 4096 bytes (counting UTF-8 bytes, not characters)', () => {
    expect(() => assertCleanInput('a'.repeat(4096))).not.toThrow();
    expect(() => assertCleanInput('a'.repeat(4097))).toThrow(/longer than 4096 bytes/);
    // 1366 three-byte characters are 4098 bytes but only 1366 UTF-16 units.
    expect(() => assertCleanInput('日'.repeat(1366))).toThrow(/longer than 4096 bytes/);
  });

  it('refuses NUL bytes wherever they appear', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        expect(() => assertCleanInput(`${before}\0${after}`)).toThrow(PathRefusal);
      }),
      { numRuns: 100 },
    );
  });
});

describe('lexicalResolve', () => {
  it('resolves relative paths against the root', () => {
    expect(lexicalResolve('file.txt', roots)).toBe(path.join(root, 'file.txt'));
    expect(lexicalResolve('sub/../file.txt', roots)).toBe(path.join(root, 'file.txt'));
    expect(lexicalResolve('.', roots)).toBe(root);
    expect(lexicalResolve(root, roots)).toBe(root);
    expect(lexicalResolve(`${root}/sub/./inner.txt`, roots)).toBe(path.join(root, 'sub', 'inner.txt'));
  });

  it('refuses ../ traversal out of the root', () => {
    expect(() => lexicalResolve('../outside/secret.txt', roots)).toThrow(PathRefusal);
    expect(() => lexicalResolve('sub/../../outside/secret.txt', roots)).toThrow(/outside the allowed roots/);
    expect(() => lexicalResolve('../../../../../../etc/passwd', roots)).toThrow(PathRefusal);
  });

  it('refuses absolute paths outside the roots', () => {
    expect(() => lexicalResolve('/etc/passwd', roots)).toThrow(/outside the allowed roots/);
    expect(() => lexicalResolve(`${root}/../outside/secret.txt`, roots)).toThrow(PathRefusal);
  });

  it('refuses a prefix sibling (/x/root vs /x/root_secret)', () => {
    expect(() => lexicalResolve(`${sibling}/secret.txt`, roots)).toThrow(PathRefusal);
    expect(() => lexicalResolve('../root_secret/secret.txt', roots)).toThrow(PathRefusal);
    expect(() => lexicalResolve(sibling, roots)).toThrow(PathRefusal);
  });

  it('refuses ~ expansion that leaves the roots', () => {
    expect(() => lexicalResolve('~', roots)).toThrow(PathRefusal);
    expect(() => lexicalResolve('~/.ssh/id_rsa', roots)).toThrow(PathRefusal);
  });

  it('names the label and the roots in its refusal, and nothing else', () => {
    expect(() => lexicalResolve('/etc/shadow', roots, 'source')).toThrow(
      `source "/etc/shadow" is outside the allowed roots (${root})`,
    );
    expect(() => lexicalResolve('/etc/shadow', [])).toThrow('(none)');
  });

  it('lexical resolution never escapes a root with ../ segments', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), fc.boolean(), (segments, absolute) => {
        const requested = absolute ? `${root}/${segments.join('/')}` : segments.join('/');
        let resolved: string;
        try {
          resolved = lexicalResolve(requested, roots);
        } catch (error) {
          expect(error).toBeInstanceOf(PathRefusal);
          return;
        }
        expect(path.isAbsolute(resolved)).toBe(true);
        expect(resolved).toBe(path.normalize(resolved));
        expect(isWithin(root, resolved)).toBe(true);
        expect(isWithin(sibling, resolved)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts paths under the given root when the root was given through a link', () => {
    const linked = path.join(tempDir(), 'root-link');
    symlinkSync(root, linked);
    const viaLink: Root[] = [{ given: linked, real: root }];
    expect(lexicalResolve(`${linked}/file.txt`, viaLink)).toBe(path.join(linked, 'file.txt'));
    expect(lexicalResolve('file.txt', viaLink)).toBe(path.join(root, 'file.txt'));
    expect(() => lexicalResolve(`${linked}/../outside`, viaLink)).toThrow(PathRefusal);
  });

  it('never resolves outside some root when there are several roots', () => {
    const second = path.join(base, 'outside');
    const two: Root[] = [...roots, { given: second, real: second }];
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        const requested = segments.join('/');
        try {
          const resolved = lexicalResolve(requested, two);
          expect(isWithinAny(realRoots(two), resolved)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(PathRefusal);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('resolveExisting', () => {
  it('returns the canonical path of a file inside', async () => {
    expect(await resolveExisting('file.txt', roots)).toBe(path.join(root, 'file.txt'));
    expect(await resolveExisting('in_link/inner.txt', roots)).toBe(path.join(root, 'sub', 'inner.txt'));
    expect(await resolveExisting('in_file_link', roots)).toBe(path.join(root, 'file.txt'));
  });

  it('refuses a symlink to a directory outside', async () => {
    await expect(resolveExisting('out_link', roots)).rejects.toThrow(PathRefusal);
    await expect(resolveExisting('out_link/secret.txt', roots)).rejects.toThrow(
      /resolves through a symbolic link that is outside the allowed roots/,
    );
  });

  it('refuses a symlink to a file outside', async () => {
    await expect(resolveExisting('out_file_link', roots)).rejects.toThrow(/outside the allowed roots/);
  });

  it('refuses a prefix sibling reached through ..', async () => {
    await expect(resolveExisting(`${root}/../root_secret/secret.txt`, roots)).rejects.toThrow(PathRefusal);
  });

  it('refuses missing paths, dangling links and link loops with a refusal', async () => {
    await expect(resolveExisting('nope.txt', roots)).rejects.toThrow('path "nope.txt" does not exist');
    await expect(resolveExisting('dangling', roots)).rejects.toThrow(/does not exist/);
    await expect(resolveExisting('file.txt/child', roots)).rejects.toThrow(/does not exist/);
    await expect(resolveExisting('loop', roots)).rejects.toThrow(/symbolic link loop/);
  });

  it('never returns a path outside the real roots, whatever the client sends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fixtureSegment, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (segments, absolute) => {
          const requested = absolute ? `${root}/${segments.join('/')}` : segments.join('/');
          const result = await refusalOrValue(() => resolveExisting(requested, roots));
          if (result instanceof PathRefusal) return;
          expect(isWithin(root, result)).toBe(true);
          expect(realpathSync(result)).toBe(result);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('resolveForCreate', () => {
  it('returns the canonical parent and the final name of a new file', async () => {
    expect(await resolveForCreate('new.txt', roots)).toEqual({
      parent: root,
      name: 'new.txt',
      exists: false,
    });
    expect(await resolveForCreate('in_link/new.txt', roots)).toEqual({
      parent: path.join(root, 'sub'),
      name: 'new.txt',
      exists: false,
    });
    expect(await resolveForCreate('file.txt', roots)).toEqual({
      parent: root,
      name: 'file.txt',
      exists: true,
    });
  });

  it('refuses to create through a dangling symlink that points outside, without saying whether its target exists', async () => {
    await expect(resolveForCreate('dangling', roots)).rejects.toThrow(
      /resolves through a symbolic link that is outside the allowed roots/,
    );
  });

  it('refuses to create through a dangling symlink even when it points inside', async () => {
    await expect(resolveForCreate('dangling_in', roots)).rejects.toThrow(/dangling symbolic link/);
  });

  it('refuses to create below a symlinked directory that leads outside', async () => {
    await expect(resolveForCreate('out_link/new.txt', roots)).rejects.toThrow(
      /resolves through a symbolic link that is outside the allowed roots/,
    );
  });

  it('refuses to overwrite through a symlink to a file outside', async () => {
    await expect(resolveForCreate('out_file_link', roots)).rejects.toThrow(/outside the allowed roots/);
  });

  it('writes through a link that stays inside, to its target', async () => {
    expect(await resolveForCreate('in_file_link', roots)).toEqual({
      parent: root,
      name: 'file.txt',
      exists: true,
    });
  });

  it('refuses a missing parent directory', async () => {
    await expect(resolveForCreate('missing/new.txt', roots)).rejects.toThrow(
      /parent directory does not exist/,
    );
  });

  it('refuses a parent that is a regular file with a PathRefusal, not a raw ENOTDIR', async () => {
    await expect(resolveForCreate('file.txt/new.txt', roots)).rejects.toThrow(PathRefusal);
    await expect(resolveForCreate('file.txt/new.txt', roots)).rejects.toThrow(/parent is not a directory/);
  });

  it('refuses a parent that is a symbolic link loop with a PathRefusal, not a raw ELOOP', async () => {
    await expect(resolveForCreate('loop/new.txt', roots)).rejects.toThrow(PathRefusal);
    await expect(resolveForCreate('loop/new.txt', roots)).rejects.toThrow(/symbolic link loop/);
  });

  it('refuses the root itself and paths naming no file', async () => {
    await expect(resolveForCreate(root, roots)).rejects.toThrow(PathRefusal);
    await expect(resolveForCreate('/', [{ given: '/', real: '/' }])).rejects.toThrow(/names no file/);
  });

  it('never places a new entry outside the real roots', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fixtureSegment, { minLength: 1, maxLength: 5 }), async (segments) => {
        const result = await refusalOrValue(() => resolveForCreate(segments.join('/'), roots));
        if (result instanceof PathRefusal) return;
        expect(isWithin(root, result.parent)).toBe(true);
        expect(realpathSync(result.parent)).toBe(result.parent);
        expect(result.name).not.toMatch(/^(\.|\.\.|)$/);
        expect(result.name).not.toContain('/');
        expect(isWithin(root, path.join(result.parent, result.name))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('canonicalRoots', () => {
  it('canonicalizes, keeps the given form and drops duplicates', async () => {
    const linked = path.join(tempDir(), 'root-link');
    symlinkSync(root, linked);
    const result = await canonicalRoots([root, linked, `${root}/sub/..`]);
    expect(result).toEqual([{ given: root, real: root }]);
    expect(await canonicalRoots([linked])).toEqual([{ given: linked, real: root }]);
  });

  it('refuses a root that does not exist', async () => {
    await expect(canonicalRoots([path.join(base, 'missing')])).rejects.toThrow(
      /root ".*missing" does not exist/,
    );
  });

  it('refuses a root that is not a directory', async () => {
    await expect(canonicalRoots([path.join(root, 'file.txt')])).rejects.toThrow(/is not a directory/);
  });

  it('refuses a root given through a dangling link', async () => {
    await expect(canonicalRoots([path.join(root, 'dangling')])).rejects.toThrow(/does not exist/);
  });

  it('refuses NUL bytes and empty roots', async () => {
    await expect(canonicalRoots([`${root}\0`])).rejects.toThrow(/NUL byte/);
    await expect(canonicalRoots([''])).rejects.toThrow(/root is empty/);
  });

  it('keeps nested roots', async () => {
    const result = await canonicalRoots([root, path.join(root, 'sub')]);
    expect(result.map((r) => r.real)).toEqual([root, path.join(root, 'sub')]);
  });

  it('describes roots by their given form', () => {
    expect(describeRoots([])).toBe('none');
    expect(
      describeRoots([
        { given: '/a', real: '/b' },
        { given: '/c', real: '/c' },
      ]),
    ).toBe('/a, /c');
  });
});

describe('intersectRoots', () => {
  const asRoot = (p: string): Root => ({ given: p, real: p });
  const name = fc.constantFrom('a', 'b', 'ab', 'a_b', 'c');
  const rootPath = fc.array(name, { maxLength: 3 }).map((segments) => path.join('/base', ...segments));
  const rootList = fc.array(rootPath.map(asRoot), { maxLength: 4 });
  const candidate = fc.array(name, { maxLength: 5 }).map((segments) => path.join('/base', ...segments));

  it('narrows to a client root inside an operator root', () => {
    expect(intersectRoots([asRoot('/w')], [asRoot('/w/project')])).toEqual([asRoot('/w/project')]);
  });

  it('keeps an operator root inside a client root', () => {
    expect(intersectRoots([asRoot('/w/project')], [asRoot('/w')])).toEqual([asRoot('/w/project')]);
  });

  it('never widens the operator roots whatever the client sends', () => {
    expect(intersectRoots([asRoot('/w/project')], [asRoot('/')])).toEqual([asRoot('/w/project')]);
    expect(intersectRoots([asRoot('/w/project')], [asRoot('/etc')])).toEqual([]);
    expect(intersectRoots([asRoot('/x/root')], [asRoot('/x/root_secret')])).toEqual([]);
    expect(intersectRoots([asRoot('/x/root_secret')], [asRoot('/x/root')])).toEqual([]);
    fc.assert(
      fc.property(rootList, rootList, (operator, client) => {
        const result = intersectRoots(operator, client);
        for (const r of result) {
          expect(isWithinAny(realRoots(operator), r.real)).toBe(true);
          expect(isWithinAny(realRoots(client), r.real)).toBe(true);
        }
        expect(new Set(result.map((r) => r.real)).size).toBe(result.length);
      }),
      { numRuns: 300 },
    );
  });

  it('covers exactly the paths both the operator and the client allow', () => {
    fc.assert(
      fc.property(rootList, rootList, candidate, (operator, client, p) => {
        const both = isWithinAny(realRoots(operator), p) && isWithinAny(realRoots(client), p);
        expect(isWithinAny(realRoots(intersectRoots(operator, client)), p)).toBe(both);
      }),
      { numRuns: 300 },
    );
  });

  it('grants nothing when the client sends no roots', () => {
    expect(intersectRoots([asRoot('/w')], [])).toEqual([]);
  });
});

describe('descriptor checks', () => {
  it('accepts a descriptor opened inside the roots', async () => {
    const real = path.join(root, 'file.txt');
    const handle = await open(real, OPEN_READ_FLAGS);
    try {
      await expect(verifyDescriptor(handle.fd, real, roots, 'file.txt')).resolves.toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  it('refuses a descriptor that actually lies outside (a swapped link)', async () => {
    const secret = path.join(outside, 'secret.txt');
    const fd = openSync(secret, 'r');
    try {
      await expect(verifyDescriptor(fd, path.join(root, 'file.txt'), roots, 'file.txt')).rejects.toThrow(
        PathRefusal,
      );
    } finally {
      closeSync(fd);
    }
  });

  it('O_NOFOLLOW refuses to open a final symlink', async () => {
    await expect(open(path.join(root, 'in_file_link'), OPEN_READ_FLAGS)).rejects.toMatchObject({
      code: 'ELOOP',
    });
  });

  it('anchors a directory inside and builds entries on the verified descriptor', async () => {
    const anchor = await anchorDirectory(path.join(root, 'sub'), roots, 'sub');
    try {
      expect(anchor.real).toBe(path.join(root, 'sub'));
      expect(realpathSync(anchor.entry('inner.txt'))).toBe(path.join(root, 'sub', 'inner.txt'));
    } finally {
      await anchor.close();
    }
  });

  it('refuses to anchor a symlinked directory, a file or a missing directory', async () => {
    await expect(anchorDirectory(path.join(root, 'out_link'), roots, 'out_link')).rejects.toThrow(
      /not a directory inside the allowed roots/,
    );
    await expect(anchorDirectory(path.join(root, 'file.txt'), roots, 'file.txt')).rejects.toThrow(
      /not a directory inside the allowed roots/,
    );
    await expect(anchorDirectory(path.join(root, 'gone'), roots, 'gone')).rejects.toThrow(/does not exist/);
  });

  it('refuses to anchor a real directory outside the roots', async () => {
    await expect(anchorDirectory(outside, roots, outside)).rejects.toThrow(/outside the allowed roots/);
  });
});
