import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/mcp.js';
import { startServer } from '../helpers/web.js';

const MAIN = path.join(REPO, 'src/cli/main.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'rampart-new-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function rampartNew(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'new', ...args], {
    cwd: scratch,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('rampart new', () => {
  it('--help shows one command per kind', () => {
    const { code, out } = rampartNew('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}rampart new fs /m);
    expect(out).toMatch(/^ {2}rampart new custom /m);
    expect(out).toMatch(/^ {2}rampart new git /m);
    expect(out).toMatch(/^ {2}rampart new db /m);
    expect(out).toMatch(/^ {2}rampart new api my-api --openapi /m);
    expect(out).toMatch(/^ {2}rampart new client /m);
  });

  it('generates from flags without asking, in under a second', () => {
    const { code, out, err } = rampartNew('fs', 'docs-server', '--root', './docs', '--read-only');
    expect(err).toBe('');
    expect(code).toBe(0);
    const ms = Number(/\((\d+) ms\)/.exec(out)?.[1]);
    expect(ms).toBeLessThan(1000);
    const settings = JSON.parse(readFileSync(path.join(scratch, 'docs-server/src/settings.json'), 'utf8'));
    expect(settings).toMatchObject({ name: 'docs-server', roots: ['./docs'], readOnly: true });
    expect(existsSync(path.join(scratch, 'docs-server/src/tools/write_file.ts'))).toBe(false);
  });

  it("takes each kind's own flags", () => {
    expect(rampartNew('git', 'g', '--repo', '/srv/repo').code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(scratch, 'g/src/settings.json'), 'utf8')).repository).toBe(
      '/srv/repo',
    );
    expect(
      rampartNew('db', 'd', '--engine', 'postgres', '--url-env', 'APP_DB', '--schema', 'public').code,
    ).toBe(0);
    const settings = JSON.parse(readFileSync(path.join(scratch, 'd/src/settings.json'), 'utf8'));
    expect(settings).toMatchObject({ urlEnv: 'APP_DB', schemas: ['public'] });
    expect(rampartNew('db', 'e', '--engine', 'oracle').err).toMatch(/engine/);
    expect(
      rampartNew('client', 'c', '--server', 'files=npx rampart fs .', '--server', 'api=https://x.test/mcp')
        .code,
    ).toBe(0);
    const servers = JSON.parse(readFileSync(path.join(scratch, 'c/src/settings.json'), 'utf8')).servers;
    expect(servers).toEqual([
      { name: 'files', command: 'npx', args: ['rampart', 'fs', '.'] },
      { name: 'api', url: 'https://x.test/mcp' },
    ]);
    expect(rampartNew('client', 'c2', '--server', 'nameless').err).toMatch(/name=<command or URL>/);
  });

  it('refuses a folder that is not empty without --force, and deletes nothing with it', () => {
    mkdirSync(path.join(scratch, 'busy'));
    writeFileSync(path.join(scratch, 'busy/mine.txt'), 'keep');
    const refused = rampartNew('custom', 'busy', '--tool', 'echo');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/not empty; use --force/);
    expect(rampartNew('custom', 'busy', '--tool', 'echo', '--force').code).toBe(0);
    expect(readFileSync(path.join(scratch, 'busy/mine.txt'), 'utf8')).toBe('keep');
    expect(existsSync(path.join(scratch, 'busy/src/tools/echo.ts'))).toBe(true);
  });

  it('refuses to write through a symlink planted in the folder (even with --force)', () => {
    const victim = path.join(scratch, 'victim.json');
    writeFileSync(victim, 'untouched');
    mkdirSync(path.join(scratch, 'planted'));
    symlinkSync(victim, path.join(scratch, 'planted/package.json'));
    const { code, err } = rampartNew('custom', 'planted', '--tool', 'echo', '--force');
    expect(code).toBe(2);
    expect(err).toMatch(/package.json: it is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });

  it('refuses a folder that is a symlink', () => {
    mkdirSync(path.join(scratch, 'elsewhere'));
    symlinkSync(path.join(scratch, 'elsewhere'), path.join(scratch, 'linked'));
    expect(rampartNew('fs', 'linked').err).toMatch(/symbolic link/);
  });

  it.each([
    [['fs', 'x', '--name', 'Bad Name'], /package name "Bad Name"/],
    [['custom', 'y', '--tool', 'Not-Snake'], /tool name "Not-Snake"/],
    [['custom', 'z'], /at least one --tool/],
    [['api', 'a'], /api needs --openapi/],
    [['api', 'a', '--openapi', '/dev/zero'], /larger than 8388608 bytes/],
    [['api', 'a', '--openapi', 'file:///etc/passwd'], /give a file or an http\(s\) URL/],
    [['api', 'a', '--openapi', path.join(REPO, 'package.json')], /3\.0\.x or 3\.1\.x/],
    [['nope'], /unknown kind "nope"/],
    [[], /give a kind/],
  ])('refuses %j with a one-line reason', (args, reason) => {
    const { code, err } = rampartNew(...args);
    expect(code).toBe(2);
    expect(err).toMatch(reason);
  });
});

/** `rampart new` without blocking this process, which serves the spec the command fetches. */
function rampartNewAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), MAIN, 'new', ...args],
      { cwd: scratch, encoding: 'utf8' },
      (error, out, err) => resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, out, err }),
    );
  });
}

describe('rampart new api', () => {
  const spec = path.join(REPO, 'test/generator/openapi/shop-auth-3.0.yaml');

  it('generates from a file in under a second, naming what it left out', () => {
    const { code, out, err } = rampartNew('api', 'shop', '--openapi', spec, '--env-prefix', 'SHOP');
    expect(code).toBe(0);
    expect(err).toBe(
      'note: GET /exports (exportOrders): skipped, its security cannot be met: scheme "oauth" (oauth2 authentication) is not supported\n',
    );
    expect(Number(/\((\d+) ms\)/.exec(out)?.[1])).toBeLessThan(1000);
    const settings = JSON.parse(readFileSync(path.join(scratch, 'shop/src/api.json'), 'utf8'));
    expect(Object.keys(settings.operations)).toEqual([
      'health',
      'list_orders',
      'create_order',
      'update_order',
    ]);
    expect(settings.schemes.bearerAuth.env).toBe('SHOP_BEARER_AUTH');
    expect(existsSync(path.join(scratch, 'shop/src/tools/update_order.ts'))).toBe(true);
  });

  it('fetches a URL only through the SSRF guard: a loopback spec server needs --allow-private', async () => {
    const text = readFileSync(spec, 'utf8');
    const server = await startServer('127.0.0.1', (req, res) => {
      if (req.url?.startsWith('/moved')) {
        res.writeHead(302, { location: 'http://elsewhere.test/openapi.yaml' });
        return res.end();
      }
      res.setHeader('content-type', 'application/yaml');
      res.end(text);
    });
    try {
      const url = `${server.origin}/openapi.yaml?token=not-for-the-readme`;
      const refused = await rampartNewAsync('api', 'from-url', '--openapi', url);
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/address 127\.0\.0\.1 is a loopback address/);
      expect(server.seen).toEqual([]);
      const moved = await rampartNewAsync(
        'api',
        'moved',
        '--openapi',
        `${server.origin}/moved`,
        '--allow-private',
        '127.0.0.1/32',
      );
      expect(moved.code).toBe(2);
      expect(moved.err).toMatch(
        /redirect to "http:\/\/elsewhere\.test\/openapi\.yaml" refused: host "elsewhere\.test" is not on the allowlist/,
      );
      const allowed = await rampartNewAsync(
        'api',
        'from-url',
        '--openapi',
        url,
        '--allow-private',
        '127.0.0.1/32',
      );
      expect(allowed.err).toMatch(/^note: GET \/exports/);
      expect(allowed.code).toBe(0);
      const readme = readFileSync(path.join(scratch, 'from-url/README.md'), 'utf8');
      expect(readme).toContain(`Generated from http://127\\.0\\.0\\.1:${server.port}/openapi\\.yaml.`);
      expect(readme).not.toContain('not-for-the-readme');
    } finally {
      await server.close();
    }
  }, 30_000);
});
