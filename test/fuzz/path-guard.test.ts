import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertCleanInput,
  expandHome,
  isWithin,
  lexicalResolve,
  PathRefusal,
  type Root,
} from '../../src/guards/path.js';
import { fuzzParameters, fuzzTimeoutMs, onlyOwnErrors } from './budget.js';
import { anyText } from './inputs.js';

const refusal = (error: unknown) => error instanceof PathRefusal;

const ROOTS: Root[] = [
  { given: '/srv/app/root', real: '/srv/app/root' },
  { given: '/home/me/link', real: '/data/real' },
];

const SEGMENT = fc.constantFrom(
  '..',
  '.',
  '',
  'root',
  'root_secret',
  'a',
  '~',
  '~root',
  '%2e%2e',
  '..%2f',
  '...',
  '.. ',
  ' ..',
  '\\..',
  'a\\..\\..',
  'link',
  'real',
  'app',
  'srv',
  'etc',
  'passwd',
  '\0',
  '\u2025',
  '．．',
  'ℝ',
  '\ud800',
);
const pathLike = fc
  .tuple(
    fc.constantFrom('', '/', '~/', '//', '/srv/app/', '/data/real/', '/home/me/link/'),
    fc.array(SEGMENT, { maxLength: 8 }),
  )
  .map(([start, segments]) => start + segments.join('/'));
const requested = fc.oneof(pathLike, anyText, fc.string({ minLength: 4000, maxLength: 4200 }));

describe('the path guard on generated and hostile input', () => {
  it(
    'refuses with its own error or resolves inside a root: absolute, normalized, never outside',
    () => {
      fc.assert(
        fc.property(requested, (input) => {
          const resolved = onlyOwnErrors(() => lexicalResolve(input, ROOTS), refusal, 'lexicalResolve');
          if (resolved === undefined) return;
          expect(path.isAbsolute(resolved)).toBe(true);
          expect(path.normalize(resolved)).toBe(resolved);
          expect(ROOTS.some((r) => isWithin(r.given, resolved) || isWithin(r.real, resolved))).toBe(true);
        }),
        fuzzParameters(2_000),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'input checks and ~ expansion never throw anything but their refusal, and expansion is only a join',
    () => {
      fc.assert(
        fc.property(requested, (input) => {
          onlyOwnErrors(() => assertCleanInput(input), refusal, 'assertCleanInput');
          const expanded = onlyOwnErrors(
            () => expandHome(input),
            () => false,
            'expandHome',
          ) as string;
          // Expansion is only a join; lexicalResolve checks the result against the roots like any other path.
          if (input === '~') expect(expanded).toBe(os.homedir());
          else if (input.startsWith('~/')) expect(expanded).toBe(path.join(os.homedir(), input.slice(2)));
          else expect(expanded).toBe(input);
        }),
        fuzzParameters(2_000),
      );
    },
    fuzzTimeoutMs(),
  );
});
