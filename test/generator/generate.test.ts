import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, KINDS } from '../../src/generator/index.js';
import { REPO } from '../helpers/mcp.js';
import { typecheck } from '../helpers/typecheck.js';
import { HOSTILE } from './hostile.js';

const OPTIONS = { toolkit: '^0.1.0' };
const SAMPLES: Record<string, unknown> = {
  fs: { kind: 'fs', name: 'my-fs', description: 'Reads the docs folder.', roots: ['./docs'] },
  'fs-read-only': { kind: 'fs', name: '@acme/fs-ro', roots: ['.', '/srv/data'], readOnly: true },
  custom: {
    kind: 'custom',
    name: 'my-tools',
    tools: [{ name: 'summarize', description: 'Summarizes.' }, { name: 'a'.repeat(40) }],
  },
  git: { kind: 'git', name: 'my-git', repository: '/srv/repo' },
  db: { kind: 'db', name: 'my-db', engine: 'postgres', urlEnv: 'APP_DB_URL', schemas: ['public'] },
  api: {
    kind: 'api',
    name: 'my-api',
    openapi: readFileSync(path.join(import.meta.dirname, 'openapi/shop-auth-3.0.yaml'), 'utf8'),
  },
  client: {
    kind: 'client',
    name: 'my-client',
    servers: [
      { name: 'files', target: 'npx rampart fs .' },
      { name: 'api', target: 'https://mcp.example.com/mcp' },
    ],
  },
};
const scratch = mkdtempSync(path.join(tmpdir(), 'rampart-generate-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeProject(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

describe('generate', () => {
  it('covers every kind the spec accepts', () => {
    expect([...new Set(Object.values(SAMPLES).map((s) => (s as { kind: string }).kind))].sort()).toEqual(
      [...KINDS].sort(),
    );
  });

  it('makes every project typecheck against the toolkit entry', () => {
    const folders = new Map(Object.entries(SAMPLES).map(([name, spec]) => [name, generate(spec, OPTIONS)]));
    expect(typecheck(folders)).toEqual([]);
  }, 60_000);

  it('makes every project Biome clean (format and lint) with its own biome.json', () => {
    for (const [name, spec] of Object.entries(SAMPLES)) {
      const dir = path.join(scratch, name);
      writeProject(dir, generate(spec, OPTIONS));
      execFileSync(path.join(REPO, 'node_modules/.bin/biome'), ['check', '--vcs-enabled=false', '.'], {
        cwd: dir,
        stdio: 'pipe',
      });
    }
  }, 60_000);

  it('has the files every project needs, one per tool', () => {
    const files = generate(SAMPLES.custom, OPTIONS);
    for (const file of [
      'package.json',
      'tsconfig.json',
      'biome.json',
      '.gitignore',
      'Dockerfile',
      '.mcp.json',
    ])
      expect(files.has(file)).toBe(true);
    expect(files.has('README.md')).toBe(true);
    expect(files.has('src/tools/summarize.ts')).toBe(true);
    expect(files.get('Dockerfile')).toMatch(/USER node/);
    const scripts = JSON.parse(files.get('package.json') as string).scripts;
    expect(Object.keys(scripts).sort()).toEqual(['build', 'lint', 'start', 'test']);
    expect(generate(SAMPLES['fs-read-only'], OPTIONS).has('src/tools/write_file.ts')).toBe(false);
  });

  it('generates in well under a second', () => {
    const started = performance.now();
    for (const spec of Object.values(SAMPLES)) generate(spec, OPTIONS);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('generate refuses bad names', () => {
  const refused = (spec: unknown) => expect(() => generate(spec, OPTIONS)).toThrow();
  it.each(['My-Server', '.hidden', '_x', 'a b', 'node_modules', '../escape', 'x/y', '', 'a'.repeat(215)])(
    'package name %j',
    (name) => refused({ kind: 'fs', name }),
  );
  it.each(['Read', '1tool', 'read-file', 'x__y', 'trailing_', 'a'.repeat(41), '../x', 'a.b', "x'y"])(
    'tool name %j',
    (name) => refused({ kind: 'custom', name: 'ok', tools: [{ name }] }),
  );
  it('the same tool twice', () =>
    refused({ kind: 'custom', name: 'ok', tools: [{ name: 'a' }, { name: 'a' }] }));
  it('an unknown key or kind', () => {
    refused({ kind: 'fs', name: 'ok', extra: 1 });
    refused({ kind: 'nope', name: 'ok' });
  });
  it('a client server target that is neither a command nor an http(s) URL', () =>
    refused({ kind: 'client', name: 'ok', servers: [{ name: 'x', target: 'file:///etc/passwd' }] }));
  it('a root with a newline', () => refused({ kind: 'fs', name: 'ok', roots: ['a\n```'] }));
});

describe('generate keeps hostile user text out of the code', () => {
  it('quotes, backticks, */ and ${ in descriptions change no code, and every project still typechecks', () => {
    const plain = {
      custom: generate({ kind: 'custom', name: 'hostile', tools: [{ name: 'x' }] }, OPTIONS),
      fs: generate({ kind: 'fs', name: 'hostile-fs' }, OPTIONS),
    };
    const folders = new Map<string, Map<string, string>>();
    fc.assert(
      fc.property(HOSTILE, HOSTILE, HOSTILE, (server, tool, folder) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: roots refuse control characters
        const root = folder.replace(/[\x00-\x1f\x7f]/g, '') || '.';
        const projects = {
          custom: generate(
            {
              kind: 'custom',
              name: 'hostile',
              description: server,
              tools: [{ name: 'x', description: tool }],
            },
            OPTIONS,
          ),
          fs: generate({ kind: 'fs', name: 'hostile-fs', description: server, roots: [root] }, OPTIONS),
        };
        const settings = JSON.parse(projects.custom.get('src/settings.json') as string);
        expect(settings.description).toBe(server);
        expect(settings.tools.x.description).toBe(tool || 'x');
        expect(JSON.parse(projects.fs.get('.mcp.json') as string).mcpServers['hostile-fs'].args).toContain(
          root,
        );
        for (const kind of ['custom', 'fs'] as const) {
          // The code is byte for byte what plain text makes: the hostile text is data only.
          for (const [file, text] of plain[kind])
            if (file.endsWith('.ts')) expect(projects[kind].get(file)).toBe(text);
          folders.set(`hostile-${folders.size}`, projects[kind]);
        }
      }),
      { numRuns: 30 },
    );
    expect(typecheck(folders)).toEqual([]);
  }, 120_000);
});
