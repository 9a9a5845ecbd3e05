import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDate,
  checkRepoPath,
  checkRevision,
  checkRevisionRange,
  driverOverrides,
  GitRefusal,
  HARDENED_CONFIG,
  hardenedEnvironment,
} from './git.js';

const TOP = '/work/repo';

describe('git guard: revisions', () => {
  it('accepts the revision forms people use', () => {
    for (const ok of [
      'HEAD',
      'HEAD~3',
      'main^',
      'v1.0^{commit}',
      'origin/main',
      'main@{2 days ago}',
      'a1b2c3d',
    ]) {
      expect(checkRevision(ok)).toBe(ok);
    }
  });

  it('never lets anything that starts with "-" through, whatever follows', () => {
    fc.assert(
      fc.property(fc.string(), (rest) => {
        expect(() => checkRevision(`-${rest}`)).toThrow(GitRefusal);
      }),
    );
  });

  it('refuses control characters anywhere, so a revision cannot add a line to a batch request', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 31 }), fc.string(), (a, code, b) => {
        expect(() => checkRevision(`${a}${String.fromCharCode(code)}${b}`)).toThrow(GitRefusal);
      }),
    );
  });

  it('refuses ":" (blob and message-search syntax) and ranges in a single revision', () => {
    expect(() => checkRevision('HEAD:../../etc/passwd')).toThrow(/contains ":"/);
    expect(() => checkRevision(':/fix')).toThrow(/contains ":"/);
    expect(() => checkRevision('a..b')).toThrow(/is a range/);
  });

  it('whatever it accepts has no option prefix, no colon, no control character and a bounded length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (value) => {
        let accepted: string;
        try {
          accepted = checkRevision(value);
        } catch (error) {
          expect(error).toBeInstanceOf(GitRefusal);
          return;
        }
        expect(accepted.startsWith('-')).toBe(false);
        expect(accepted.includes(':')).toBe(false);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for control characters
        expect(/[\u0000-\u001f\u007f]/.test(accepted)).toBe(false);
        expect(accepted.length).toBeLessThanOrEqual(256);
      }),
    );
  });

  it('splits diff targets into checked sides', () => {
    expect(checkRevisionRange('main')).toEqual({ to: 'main', symmetric: false });
    expect(checkRevisionRange('main..feature')).toEqual({ from: 'main', to: 'feature', symmetric: false });
    expect(checkRevisionRange('main...feature')).toEqual({ from: 'main', to: 'feature', symmetric: true });
    expect(checkRevisionRange('..feature')).toEqual({ from: 'HEAD', to: 'feature', symmetric: false });
    expect(() => checkRevisionRange('--output=/tmp/x')).toThrow(/starts with "-"/);
    expect(() => checkRevisionRange('main..--output=/tmp/x')).toThrow(/right side/);
    expect(() => checkRevisionRange('..')).toThrow(/no revision/);
  });

  it('no side of any accepted range starts with "-"', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('..', '...'),
        fc.string({ maxLength: 40 }),
        (a, op, b) => {
          try {
            const range = checkRevisionRange(`${a}${op}${b}`);
            expect(range.to.startsWith('-')).toBe(false);
            expect(range.from?.startsWith('-') ?? false).toBe(false);
          } catch (error) {
            expect(error).toBeInstanceOf(GitRefusal);
          }
        },
      ),
    );
  });
});

describe('git guard: paths', () => {
  it('normalises relative paths and maps absolute ones inside the top level', () => {
    expect(checkRepoPath('src/./a.ts', TOP)).toBe('src/a.ts');
    expect(checkRepoPath('./README.md', TOP)).toBe('README.md');
    expect(checkRepoPath(`${TOP}/src/a.ts`, TOP)).toBe('src/a.ts');
    expect(checkRepoPath(TOP, TOP)).toBe('');
  });

  it('refuses traversal and absolute paths outside the repository', () => {
    expect(() => checkRepoPath('../../etc/passwd', TOP)).toThrow(/contains "\.\."/);
    expect(() => checkRepoPath('/etc/passwd', TOP)).toThrow(/outside the repository/);
    expect(() => checkRepoPath('/work/repository-evil/x', TOP)).toThrow(/outside the repository/);
    expect(() => checkRepoPath('/etc/passwd', undefined)).toThrow(/outside the repository/);
  });

  it('whatever it accepts is relative, has no ".." segment and no control character', () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '', 'a', '-x', '.git'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.boolean(), fc.array(segment, { maxLength: 8 }), (absolute, parts) => {
        const value = (absolute ? '/' : '') + parts.join('/');
        try {
          const accepted = checkRepoPath(value, TOP);
          expect(accepted.startsWith('/')).toBe(false);
          expect(accepted.split('/')).not.toContain('..');
          // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for control characters
          expect(/[\u0000-\u001f\u007f]/.test(accepted)).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(GitRefusal);
        }
      }),
    );
  });
});

describe('git guard: environment', () => {
  it('dates are bounded and single-line', () => {
    expect(checkDate('2 weeks ago', 'start_timestamp')).toBe('2 weeks ago');
    expect(() => checkDate('x\ny', 'start_timestamp')).toThrow(/control character/);
    expect(() => checkDate('x'.repeat(101), 'end_timestamp')).toThrow(/longer than/);
  });

  it('switches off every filter and diff driver, whatever its name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (name) => {
        const overrides = driverOverrides([
          `filter.${name}.clean`,
          `filter.${name}.smudge`,
          `filter.${name}.process`,
          `filter.${name}.required`,
          `diff.${name}.textconv`,
          `diff.${name}.command`,
          `diff.${name}.binary`,
        ]);
        expect(overrides).toEqual([
          [`filter.${name}.clean`, ''],
          [`filter.${name}.smudge`, ''],
          [`filter.${name}.process`, ''],
          [`filter.${name}.required`, 'false'],
          [`diff.${name}.textconv`, ''],
          [`diff.${name}.command`, ''],
        ]);
      }),
    );
  });

  it('inherits nothing from the caller but TZ, and carries each override as a separate key and value', () => {
    const env = hardenedEnvironment([...HARDENED_CONFIG, ['filter.a=b.clean', '']], { TZ: 'UTC' });
    expect(
      Object.keys(env).filter(
        (k) => !k.startsWith('GIT_') && !['PATH', 'HOME', 'LC_ALL', 'PAGER', 'TZ'].includes(k),
      ),
    ).toEqual([]);
    expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null');
    expect(env.GIT_CONFIG_NOSYSTEM).toBe('1');
    const last = HARDENED_CONFIG.length;
    expect(env[`GIT_CONFIG_KEY_${last}`]).toBe('filter.a=b.clean');
    expect(env[`GIT_CONFIG_VALUE_${last}`]).toBe('');
    expect(env.GIT_CONFIG_COUNT).toBe(String(last + 1));
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.PATH).toBe('/nonexistent');
    expect(env.GIT_EXEC_PATH).toBe('/nonexistent');
  });
});
