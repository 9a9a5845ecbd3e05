import { execFileSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksums, signChecksums } from '../../src/release/signing.js';
import { tarGz } from '../../src/release/tar.js';
import {
  pin,
  pluginCopy,
  ReleaseServer,
  releaseFiles,
  runInstaller,
  signingKey,
} from '../helpers/releases.js';

const OLD = '0.1.0';
const NEW = '0.1.1';
const TARBALL = `rampart-${NEW}.tgz`;

/** Signed SHA256SUMS (and its signature) for the given files, by `key`. */
function signed(files: Record<string, Buffer>, key: KeyObject): Map<string, Buffer> {
  const sums = checksums(Object.entries(files).map(([name, data]) => ({ name, data })));
  return new Map([
    ...Object.entries(files),
    ['SHA256SUMS', Buffer.from(sums)],
    ['SHA256SUMS.sig', Buffer.from(signChecksums(sums, key))],
  ]);
}

describe('the plugin installer fails closed', () => {
  let base: string;
  let key: KeyObject;
  let server: ReleaseServer;
  let old: Map<string, Buffer>;
  let fresh: Map<string, Buffer>;
  /** A plugin with OLD installed, copied for each attack so each starts from a working install. */
  let installed: string;
  let count = 0;

  beforeAll(async () => {
    base = mkdtempSync(path.join(os.tmpdir(), 'rampart-installer-'));
    key = signingKey();
    [old, fresh] = await Promise.all([releaseFiles(OLD, key), releaseFiles(NEW, key)]);
    server = await ReleaseServer.start();
    server.serve(OLD, old);
    installed = pluginCopy(path.join(base, 'installed'), OLD, key);
    const first = await runInstaller(installed, server.url);
    expect(first, first.stderr).toMatchObject({ code: 0 });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(base, { recursive: true, force: true });
  });

  /** A copy of the installed plugin now pinning NEW, with `files` served for NEW. */
  async function attempt(files: Map<string, Buffer>, truncate?: string) {
    const plugin = path.join(base, `attempt-${count++}`);
    cpSync(installed, plugin, { recursive: true, verbatimSymlinks: true });
    pin(plugin, NEW, key);
    server.serve(NEW, files);
    if (truncate) server.truncate.add(`/v${NEW}/${truncate}`);
    const result = await runInstaller(plugin, server.url);
    return { ...result, plugin };
  }

  /** The previous install is the one `current` points at, it runs, and nothing half-made is left. */
  function expectPreviousInstall(plugin: string) {
    const current = path.join(plugin, 'runtime/current');
    expect(readFileSync(path.join(current, 'VERSION'), 'utf8').trim()).toBe(OLD);
    const said = execFileSync(process.execPath, [path.join(current, 'rampart.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(said.trim()).toBe(OLD);
    expect(
      readdirSync(path.join(plugin, 'runtime/versions')).filter((n) => n.startsWith('.staging')),
    ).toEqual([]);
    const log = readFileSync(path.join(plugin, 'runtime/install.log'), 'utf8');
    expect(log).toMatch(/refused: .* the previous install is unchanged/);
    expect(statSync(path.join(plugin, 'runtime/install.log')).mode & 0o777).toBe(0o600);
  }

  it('installs a signed release, switches to it, and keeps the one before', async () => {
    const result = await attempt(fresh);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const current = path.join(result.plugin, 'runtime/current');
    expect(
      execFileSync(process.execPath, [path.join(current, 'rampart.js'), '--version'], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(NEW);
    expect(readdirSync(path.join(result.plugin, 'runtime/versions'))).toHaveLength(2);
    const again = await runInstaller(result.plugin, server.url);
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(result.plugin, 'runtime/install.log'), 'utf8')).toMatch(
      /rampart 0\.1\.1 is installed; nothing to do/,
    );
  });

  const attacks: [string, () => Map<string, Buffer> | [Map<string, Buffer>, string], RegExp][] = [
    [
      'refuses a tampered tarball',
      () => {
        const tampered = Buffer.from(fresh.get(TARBALL) as Buffer);
        const middle = tampered.length >> 1;
        tampered[middle] = (tampered[middle] as number) ^ 0xff;
        return new Map([...fresh, [TARBALL, tampered]]);
      },
      /rampart-0\.1\.1\.tgz does not match SHA256SUMS/,
    ],
    [
      'refuses a release without SHA256SUMS',
      () => new Map([...fresh].filter(([name]) => name !== 'SHA256SUMS')),
      /SHA256SUMS is missing: .* answered HTTP 404/,
    ],
    [
      'refuses an unsigned SHA256SUMS',
      () => new Map([...fresh].filter(([name]) => name !== 'SHA256SUMS.sig')),
      /SHA256SUMS\.sig is missing/,
    ],
    [
      'refuses SHA256SUMS signed by another key',
      () => signed({ [TARBALL]: fresh.get(TARBALL) as Buffer }, signingKey()),
      /not a valid signature of SHA256SUMS by the pinned release key/,
    ],
    [
      'refuses a SHA256SUMS edited after signing',
      () => {
        const sums = Buffer.from(
          `${(fresh.get('SHA256SUMS') as Buffer).toString()}${'0'.repeat(64)}  extra.tgz\n`,
        );
        return new Map([...fresh, ['SHA256SUMS', sums]]);
      },
      /not a valid signature/,
    ],
    [
      'refuses a signed SHA256SUMS without an entry for the tarball (an older release replayed)',
      () => {
        const replay = signed({ [`rampart-${OLD}.tgz`]: old.get(`rampart-${OLD}.tgz`) as Buffer }, key);
        return new Map([...replay, [TARBALL, old.get(`rampart-${OLD}.tgz`) as Buffer]]);
      },
      /SHA256SUMS has no entry for rampart-0\.1\.1\.tgz/,
    ],
    ['refuses a truncated download', () => [fresh, TARBALL], /truncated|cut short/],
    [
      'refuses a release whose bundle is another version, even correctly signed',
      () => signed({ [TARBALL]: old.get(`rampart-${OLD}.tgz`) as Buffer }, key),
      /version mismatch/,
    ],
    [
      'refuses a signed tarball with a path that climbs out of the install',
      () =>
        signed(
          {
            [TARBALL]: hostileTar('../escaped.js', '0'),
          },
          key,
        ),
      /unsafe path: "\.\.\/escaped\.js"/,
    ],
    [
      'refuses a signed tarball holding a symlink',
      () => signed({ [TARBALL]: symlinkTar() }, key),
      /of type 2; only files and directories are allowed/,
    ],
  ];

  for (const [name, make, message] of attacks) {
    it(`${name}, and leaves the previous install working`, async () => {
      const made = make();
      const [files, truncate] = Array.isArray(made) ? made : [made, undefined];
      const result = await attempt(files, truncate);
      expect(result.code).toBe(1);
      expect(result.stderr, result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/the previous install, if any, is unchanged/);
      expectPreviousInstall(result.plugin);
      expect(existsSync(path.join(result.plugin, 'escaped.js'))).toBe(false);
    });
  }

  it('refuses a base URL that is not https (other than loopback)', async () => {
    const plugin = path.join(base, `attempt-${count++}`);
    cpSync(installed, plugin, { recursive: true, verbatimSymlinks: true });
    pin(plugin, NEW, key);
    const result = await runInstaller(plugin, 'http://releases.example.com');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/must be https \(plain http only on loopback\)/);
    expectPreviousInstall(plugin);
  });
});

/** A gzipped ustar archive whose one entry is a symbolic link (type 2) to /etc/passwd. */
function symlinkTar(): Buffer {
  return hostileTar('rampart.js', '2', '/etc/passwd');
}

/** A one-entry archive with a name or type our writer refuses to produce, patched in after writing. */
function hostileTar(name: string, type: string, linkTarget = ''): Buffer {
  const archive = tarGz([{ path: 'rampart.js', type: 'file', mode: 0o644, data: Buffer.alloc(0) }]);
  const tar = Buffer.from(gunzipSync(archive));
  tar.fill(0, 0, 100);
  tar.write(name, 0, 100, 'utf8');
  tar[156] = type.charCodeAt(0);
  tar.write(linkTarget, 157, 100, 'utf8');
  tar.write('        ', 148, 8, 'ascii');
  let sum = 0;
  for (const byte of tar.subarray(0, 512)) sum += byte;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return gzipSync(tar);
}
