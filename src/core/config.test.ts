import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, commonOptions, envName, findConfigFile, flagName, loadConfig } from './config.js';

const schema = z.object({
  roots: z.array(z.string()).min(1),
  readOnly: z.boolean().default(false),
  maxBytes: z.number().int().positive().default(1000),
  mode: z.enum(['fast', 'safe']).default('safe'),
  label: z.string().optional(),
  tags: z.array(z.string()).default([]),
  ports: z.array(z.number().int()).optional(),
});

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-config-')));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function yamlFile(text: string): string {
  const file = path.join(dir, `rampart-${counter++}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Runs loadConfig and returns the ConfigError message it throws. */
function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const isolated = { env: {}, cwd: '/nonexistent-rampart-cwd' };

describe('names', () => {
  it('derives env and flag names from camelCase keys', () => {
    expect(envName('fs', 'maxArgBytes')).toBe('RAMPART_FS_MAX_ARG_BYTES');
    expect(envName('fs', 'roots')).toBe('RAMPART_FS_ROOTS');
    expect(envName('git', 'readOnly')).toBe('RAMPART_GIT_READ_ONLY');
    expect(flagName('maxArgBytes')).toBe('--max-arg-bytes');
    expect(flagName('roots')).toBe('--roots');
  });
});

describe('loadConfig precedence', () => {
  it('takes defaults when nothing is given', () => {
    expect(loadConfig('fs', schema, { ...isolated, flags: { roots: ['/a'] } })).toEqual({
      roots: ['/a'],
      readOnly: false,
      maxBytes: 1000,
      mode: 'safe',
      tags: [],
    });
  });

  it('prefers flags over env over the file over defaults', () => {
    const file = yamlFile('fs:\n  roots: [/from-file]\n  maxBytes: 10\n  mode: fast\n  label: file\n');
    const env = { RAMPART_FS_MAX_BYTES: '20', RAMPART_FS_LABEL: 'env' };
    const config = loadConfig('fs', schema, { env, file, flags: { label: 'flag' } });
    expect(config).toMatchObject({ roots: ['/from-file'], maxBytes: 20, mode: 'fast', label: 'flag' });
  });

  it('ignores flags that are undefined (not given)', () => {
    const config = loadConfig('fs', schema, {
      env: { RAMPART_FS_MAX_BYTES: '7' },
      flags: { roots: ['/a'], maxBytes: undefined },
    });
    expect(config.maxBytes).toBe(7);
  });

  it('reads only its own server section', () => {
    const file = yamlFile('git:\n  maxBytes: 5\nfs:\n  roots: [/r]\n');
    expect(loadConfig('fs', schema, { ...isolated, file }).maxBytes).toBe(1000);
  });

  it('resolves each key from the highest source that gives it', () => {
    const sources = fc.constantFrom('flag', 'env', 'file', 'none');
    fc.assert(
      fc.property(
        fc.record({ maxBytes: sources, label: sources, readOnly: sources }),
        fc.record({ flag: fc.integer({ min: 1, max: 99 }), env: fc.integer({ min: 100, max: 199 }) }),
        (where, n) => {
          const flags: Record<string, unknown> = { roots: ['/r'] };
          const env: Record<string, string> = {};
          const section: string[] = [];
          const levels = ['flag', 'env', 'file', 'none'];
          // A key is given at its chosen level and at every level below it, so precedence is exercised.
          const given = (key: keyof typeof where, level: string) =>
            levels.indexOf(where[key]) <= levels.indexOf(level) && where[key] !== 'none';
          if (given('maxBytes', 'flag')) flags.maxBytes = n.flag;
          if (given('maxBytes', 'env')) env.RAMPART_FS_MAX_BYTES = String(n.env);
          if (given('maxBytes', 'file')) section.push('  maxBytes: 500');
          if (given('label', 'flag')) flags.label = 'from-flag';
          if (given('label', 'env')) env.RAMPART_FS_LABEL = 'from-env';
          if (given('label', 'file')) section.push('  label: from-file');
          if (given('readOnly', 'flag')) flags.readOnly = true;
          if (given('readOnly', 'env')) env.RAMPART_FS_READ_ONLY = 'yes';
          if (given('readOnly', 'file')) section.push('  readOnly: true');
          const file = yamlFile(section.length > 0 ? `fs:\n${section.join('\n')}\n` : '');
          const config = loadConfig('fs', schema, { flags, env, file });
          const expected = {
            maxBytes: { flag: n.flag, env: n.env, file: 500, none: 1000 }[where.maxBytes],
            label: { flag: 'from-flag', env: 'from-env', file: 'from-file', none: undefined }[where.label],
            readOnly: where.readOnly !== 'none',
          };
          expect(config.maxBytes).toBe(expected.maxBytes);
          expect(config.label).toBe(expected.label);
          expect(config.readOnly).toBe(expected.readOnly);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('env coercion', () => {
  const load = (env: Record<string, string>) => loadConfig('fs', schema, { env, flags: { roots: ['/a'] } });

  it('reads booleans', () => {
    for (const yes of ['1', 'true', 'TRUE', 'yes', 'on', ' On ']) {
      expect(load({ RAMPART_FS_READ_ONLY: yes }).readOnly, yes).toBe(true);
    }
    for (const no of ['0', 'false', 'no', 'OFF']) {
      expect(load({ RAMPART_FS_READ_ONLY: no }).readOnly, no).toBe(false);
    }
  });

  it('reads numbers', () => {
    expect(load({ RAMPART_FS_MAX_BYTES: ' 42 ' }).maxBytes).toBe(42);
    expect(load({ RAMPART_FS_MAX_BYTES: '1e3' }).maxBytes).toBe(1000);
  });

  it('reads arrays split on the path delimiter, or as JSON', () => {
    expect(load({ RAMPART_FS_TAGS: `a${path.delimiter}b${path.delimiter}${path.delimiter}c` }).tags).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(load({ RAMPART_FS_TAGS: '["x y", "z"]' }).tags).toEqual(['x y', 'z']);
    expect(load({ RAMPART_FS_TAGS: '' }).tags).toEqual([]);
    expect(load({ RAMPART_FS_PORTS: '[80, 443]' }).ports).toEqual([80, 443]);
  });

  it('round-trips any integer and boolean through its env string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.boolean(), (n, b) => {
        const config = load({ RAMPART_FS_MAX_BYTES: String(n), RAMPART_FS_READ_ONLY: String(b) });
        expect(config.maxBytes).toBe(n);
        expect(config.readOnly).toBe(b);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps strings as given', () => {
    expect(load({ RAMPART_FS_LABEL: '  spaced  ' }).label).toBe('  spaced  ');
  });
});

describe('errors name the key and its source', () => {
  it('names the env var of a value that is not a number', () => {
    const message = configError(() =>
      loadConfig('fs', schema, { env: { RAMPART_FS_MAX_BYTES: 'lots' }, flags: { roots: ['/a'] } }),
    );
    expect(message).toMatch(/^config env RAMPART_FS_MAX_BYTES: /);
  });

  it('names the env var of a value that is not a boolean', () => {
    const message = configError(() =>
      loadConfig('fs', schema, { env: { RAMPART_FS_READ_ONLY: 'maybe' }, flags: { roots: ['/a'] } }),
    );
    expect(message).toMatch(/^config env RAMPART_FS_READ_ONLY: /);
  });

  it('names the flag of a bad flag value', () => {
    const message = configError(() =>
      loadConfig('fs', schema, { ...isolated, flags: { roots: ['/a'], maxBytes: -1 } }),
    );
    expect(message).toMatch(/^config flag --max-bytes: /);
  });

  it('uses the CLI name of a key when one is given', () => {
    const message = configError(() =>
      loadConfig('fs', schema, {
        ...isolated,
        flags: { roots: [] },
        cliNames: { roots: 'the <dirs…> arguments' },
      }),
    );
    expect(message).toMatch(/^config the <dirs…> arguments: /);
  });

  it('names the file and key of a bad file value', () => {
    const file = yamlFile('fs:\n  roots: [/a]\n  mode: turbo\n');
    const message = configError(() => loadConfig('fs', schema, { ...isolated, file }));
    expect(message).toMatch(new RegExp(`^config ${file} key fs\\.mode: `));
  });

  it('names the element of a bad array item', () => {
    const file = yamlFile('fs:\n  roots: [/a, 7]\n');
    const message = configError(() => loadConfig('fs', schema, { ...isolated, file }));
    expect(message).toMatch(new RegExp(`^config ${file} key fs\\.roots \\(at 1\\): `));
  });

  it('says how to give a required key that is missing', () => {
    const message = configError(() => loadConfig('fs', schema, isolated));
    expect(message).toBe(
      'config fs.roots is required: give flag --roots, env RAMPART_FS_ROOTS or key fs.roots in rampart.yaml',
    );
  });

  it('refuses an unknown key in the file, naming it', () => {
    const file = yamlFile('fs:\n  roots: [/a]\n  rootz: [/b]\n');
    const message = configError(() => loadConfig('fs', schema, { ...isolated, file }));
    expect(message).toBe(
      `${file} key fs.rootz is not an option of fs (known: roots, readOnly, maxBytes, mode, label, tags, ports)`,
    );
  });

  it('refuses keys that only exist on Object.prototype (toString, constructor, __proto__)', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      const file = yamlFile(`fs:\n  roots: [/a]\n  ${key}: 1\n`);
      const message = configError(() => loadConfig('fs', schema, { ...isolated, file }));
      expect(message, key).toContain(`key fs.${key} is not an option of fs`);
    }
  });

  it('refuses invalid YAML', () => {
    const file = yamlFile('fs:\n  roots: [/a\n  mode: "x\n');
    const message = configError(() => loadConfig('fs', schema, { ...isolated, file }));
    expect(message).toMatch(new RegExp(`^config file "${file}" is not valid YAML: `));
    expect(message).not.toContain('\n');
  });

  it('refuses a file that is not a mapping', () => {
    const file = yamlFile('- a\n- b\n');
    expect(configError(() => loadConfig('fs', schema, { ...isolated, file }))).toBe(
      `config file "${file}" must hold a mapping`,
    );
  });

  it('refuses a server section that is not a mapping', () => {
    const file = yamlFile('fs: [a, b]\n');
    expect(configError(() => loadConfig('fs', schema, { ...isolated, file }))).toBe(
      `${file} key fs must be a mapping`,
    );
  });

  it('refuses a config file that cannot be read', () => {
    const file = path.join(dir, 'missing.yaml');
    expect(configError(() => loadConfig('fs', schema, { ...isolated, file }))).toBe(
      `config file "${file}" cannot be read`,
    );
  });

  it('accepts an empty file', () => {
    const file = yamlFile('');
    expect(loadConfig('fs', schema, { ...isolated, file, flags: { roots: ['/a'] } }).roots).toEqual(['/a']);
  });
});

describe('finding the config file', () => {
  it('prefers the file option, then RAMPART_CONFIG, then ./rampart.yaml', () => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    expect(findConfigFile({ env: {}, cwd })).toBeUndefined();
    writeFileSync(path.join(cwd, 'rampart.yaml'), 'fs:\n  roots: [/local]\n');
    expect(findConfigFile({ env: {}, cwd })).toBe(path.join(cwd, 'rampart.yaml'));
    expect(findConfigFile({ env: { RAMPART_CONFIG: '/e.yaml' }, cwd })).toBe('/e.yaml');
    expect(findConfigFile({ env: { RAMPART_CONFIG: '/e.yaml' }, cwd, file: '/f.yaml' })).toBe('/f.yaml');
    expect(loadConfig('fs', schema, { env: {}, cwd }).roots).toEqual(['/local']);
  });

  it('loads the file named by RAMPART_CONFIG', () => {
    const file = yamlFile('fs:\n  roots: [/via-env]\n');
    expect(loadConfig('fs', schema, { env: { RAMPART_CONFIG: file }, cwd: dir }).roots).toEqual(['/via-env']);
  });
});

describe('commonOptions', () => {
  const common = z.object(commonOptions);

  it('has defaults for every limit', () => {
    expect(loadConfig('fs', common, isolated)).toEqual({
      maxArgBytes: 1024 * 1024,
      maxResultBytes: 1024 * 1024,
      timeoutMs: 60_000,
      logLevel: 'info',
      readOnly: false,
    });
  });

  it('refuses a result cap below 1024 bytes, naming the env var', () => {
    const message = configError(() =>
      loadConfig('fs', common, { ...isolated, env: { RAMPART_FS_MAX_RESULT_BYTES: '100' } }),
    );
    expect(message).toMatch(/^config env RAMPART_FS_MAX_RESULT_BYTES: /);
  });

  it('refuses an unknown log level', () => {
    const file = yamlFile('fs:\n  logLevel: chatty\n');
    expect(configError(() => loadConfig('fs', common, { ...isolated, file }))).toMatch(
      new RegExp(`^config ${file} key fs\\.logLevel: `),
    );
  });
});
