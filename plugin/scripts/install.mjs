#!/usr/bin/env node
// Installs the Rampart release this plugin pins, and fails closed: the release's SHA256SUMS must carry a valid
// ed25519 signature by the pinned key, must list the tarball, and the tarball must match it byte for byte. The
// new version is unpacked beside the current one, smoke-tested, and only then switched in with one rename, so a
// failure at any step leaves the previous install as it was. Nothing but Node is needed.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const PLUGIN_ROOT =
  process.env.CLAUDE_PLUGIN_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME = path.join(PLUGIN_ROOT, 'runtime');
const VERSIONS = path.join(RUNTIME, 'versions');
const CURRENT = path.join(RUNTIME, 'current');
const LOG = path.join(RUNTIME, 'install.log');

const LIMITS = {
  sums: 64 * 1024,
  signature: 4 * 1024,
  tarball: 256 * 1024 * 1024,
  unpacked: 1024 * 1024 * 1024,
};
const DOWNLOAD_TIMEOUT_MS = 120_000;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

class InstallError extends Error {}

function log(message) {
  mkdirSync(RUNTIME, { recursive: true, mode: 0o700 });
  const fd = openSync(LOG, 'a', 0o600);
  try {
    writeSync(fd, `${new Date().toISOString()} ${message}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(LOG, 0o600);
}

/** The pinned release: version, public key and default base URL, from the plugin's own release.json. */
function pinned() {
  const file = path.join(PLUGIN_ROOT, 'release.json');
  let release;
  try {
    release = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InstallError(`cannot read the pinned release (${file}): ${error.message}`);
  }
  if (typeof release.version !== 'string' || !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(release.version))
    throw new InstallError(`release.json: version "${release.version}" is not a semantic version`);
  const raw = Buffer.from(String(release.publicKey ?? ''), 'base64');
  if (raw.length !== 32)
    throw new InstallError('release.json: publicKey is not a base64 ed25519 key (32 bytes)');
  const publicKey = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  const base = process.env.RAMPART_RELEASE_BASE_URL ?? release.baseUrl;
  let baseUrl;
  try {
    baseUrl = new URL(base);
  } catch {
    throw new InstallError(`the release base URL "${base}" is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(baseUrl.hostname);
  if (baseUrl.protocol !== 'https:' && !(baseUrl.protocol === 'http:' && loopback))
    throw new InstallError(
      `the release base URL must be https (plain http only on loopback): ${baseUrl.href}`,
    );
  return { version: release.version, publicKey, baseUrl: baseUrl.href.replace(/\/$/, '') };
}

/** One file of the release, refused when missing, larger than `limit`, or shorter than the server said. */
async function download(url, limit, what) {
  let response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new InstallError(`cannot download ${what} from ${url}: ${error.cause?.code ?? error.message}`);
  }
  if (!response.ok) throw new InstallError(`${what} is missing: ${url} answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw new InstallError(`${what} is ${declared} bytes, over the ${limit}-byte limit`);
  const chunks = [];
  let received = 0;
  try {
    for await (const chunk of response.body) {
      received += chunk.length;
      if (received > limit) throw new InstallError(`${what} is over the ${limit}-byte limit`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof InstallError) throw error;
    throw new InstallError(`${what} download was cut short after ${received} bytes: ${error.message}`);
  }
  if (!Number.isNaN(declared) && received !== declared)
    throw new InstallError(`${what} download is truncated: ${received} of ${declared} bytes`);
  return Buffer.concat(chunks);
}

/** The digest SHA256SUMS gives for `name`; every line must be well formed. */
function digestFor(sums, name) {
  const lines = sums
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  let found;
  for (const line of lines) {
    const match = /^([0-9a-f]{64}) [ *]([^\s/\\]+)$/.exec(line);
    if (!match)
      throw new InstallError(`SHA256SUMS has a malformed line: ${JSON.stringify(line.slice(0, 100))}`);
    if (match[2] === name) found = match[1];
  }
  if (!found) throw new InstallError(`SHA256SUMS has no entry for ${name}`);
  return found;
}

function tarString(block, offset, length) {
  const end = block.indexOf(0, offset);
  return block.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

/** Unpacks a ustar archive into `dir`: regular files and directories only, every path kept inside `dir`. */
function unpack(archive, dir) {
  let tar;
  try {
    tar = gunzipSync(archive, { maxOutputLength: LIMITS.unpacked });
  } catch (error) {
    throw new InstallError(`the tarball does not unpack: ${error.message}`);
  }
  let files = 0;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const block = tar.subarray(offset, offset + 512);
    if (block.every((byte) => byte === 0)) break;
    const name = tarString(block, 0, 100);
    const prefix = tarString(block, 345, 155);
    const entry = (prefix ? `${prefix}/${name}` : name).replace(/\/$/, '');
    const size = Number.parseInt(tarString(block, 124, 12).trim() || '0', 8);
    const mode = Number.parseInt(tarString(block, 100, 8).trim() || '644', 8);
    const type = String.fromCharCode(block[156] || 48);
    const parts = entry.split('/');
    if (
      entry === '' ||
      path.isAbsolute(entry) ||
      entry.includes('\\') ||
      parts.some((p) => p === '..' || p === '')
    )
      throw new InstallError(`the tarball holds an unsafe path: ${JSON.stringify(entry)}`);
    if (!Number.isSafeInteger(size) || size < 0 || offset + 512 + size > tar.length)
      throw new InstallError(`the tarball is damaged at ${JSON.stringify(entry)}`);
    const target = path.join(dir, ...parts);
    if (type === '5') {
      mkdirSync(target, { recursive: true, mode: 0o755 });
    } else if (type === '0') {
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      // 'wx' refuses to write through anything already there, a link included.
      let fd;
      try {
        fd = openSync(target, 'wx', mode & 0o111 ? 0o755 : 0o644);
      } catch (error) {
        throw new InstallError(
          `the tarball cannot write ${JSON.stringify(entry)}: ${error.code ?? error.message}`,
        );
      }
      try {
        writeSync(fd, tar.subarray(offset + 512, offset + 512 + size));
      } finally {
        closeSync(fd);
      }
      files++;
    } else {
      throw new InstallError(
        `the tarball holds ${JSON.stringify(entry)} of type ${type}; only files and directories are allowed`,
      );
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  if (files === 0) throw new InstallError('the tarball holds no files');
}

/** Runs the unpacked CLI with nothing but Node, and checks it says the pinned version. */
function smokeTest(dir, version) {
  const result = spawnSync(process.execPath, [path.join(dir, 'rampart.js'), '--version'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: path.dirname(process.execPath), HOME: dir },
  });
  if (result.status !== 0)
    throw new InstallError(
      `the new version does not start: ${(result.stderr || result.error?.message || '').trim().slice(0, 300)}`,
    );
  const said = result.stdout.trim();
  if (said !== version)
    throw new InstallError(`version mismatch: the release says ${said}, the plugin pins ${version}`);
}

function installedVersion() {
  try {
    return readFileSync(path.join(CURRENT, 'VERSION'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Points `current` at the new version with one rename, so there is never a moment without a working install. */
function switchTo(directory) {
  const link = `${CURRENT}.${randomBytes(4).toString('hex')}`;
  symlinkSync(path.join('versions', directory), link, process.platform === 'win32' ? 'junction' : 'dir');
  renameSync(link, CURRENT);
}

/** Keeps the current and the previous version; anything else under versions/ goes. */
function prune(keep) {
  for (const name of readdirSync(VERSIONS)) {
    if (!keep.includes(name)) rmSync(path.join(VERSIONS, name), { recursive: true, force: true });
  }
}

async function install() {
  const { version, publicKey, baseUrl } = pinned();
  const previous = installedVersion();
  const previousDir = existsSync(CURRENT) ? path.basename(readlinkSync(CURRENT)) : undefined;
  let installedDir;
  if (previous === version && existsSync(path.join(CURRENT, 'rampart.js'))) {
    log(`rampart ${version} is installed; nothing to do`);
    return;
  }
  const tarball = `rampart-${version}.tgz`;
  const at = (file) => `${baseUrl}/v${version}/${file}`;
  log(`installing rampart ${version} from ${at('')}${previous ? ` (replacing ${previous})` : ''}`);
  const sums = await download(at('SHA256SUMS'), LIMITS.sums, 'SHA256SUMS');
  const signature = Buffer.from(
    (await download(at('SHA256SUMS.sig'), LIMITS.signature, 'SHA256SUMS.sig')).toString('utf8').trim(),
    'base64',
  );
  if (signature.length !== 64 || !verify(null, sums, publicKey, signature))
    throw new InstallError('SHA256SUMS.sig is not a valid signature of SHA256SUMS by the pinned release key');
  const expected = digestFor(sums, tarball);
  const archive = await download(at(tarball), LIMITS.tarball, tarball);
  const actual = createHash('sha256').update(archive).digest('hex');
  if (actual !== expected)
    throw new InstallError(`${tarball} does not match SHA256SUMS (sha256 ${actual}, expected ${expected})`);
  log(`verified ${tarball} (sha256 ${actual}) against the signed SHA256SUMS`);

  mkdirSync(VERSIONS, { recursive: true, mode: 0o755 });
  const staging = path.join(VERSIONS, `.staging-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(staging, { mode: 0o755 });
    unpack(archive, staging);
    if (readFileSync(path.join(staging, 'VERSION'), 'utf8').trim() !== version)
      throw new InstallError(`version mismatch: the tarball's VERSION is not ${version}`);
    smokeTest(staging, version);
    // Each install gets a directory of its own, so nothing the current install uses is ever touched.
    const final = path.join(VERSIONS, `${version}-${randomBytes(4).toString('hex')}`);
    renameSync(staging, final);
    switchTo(path.basename(final));
    installedDir = path.basename(final);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  try {
    prune([installedDir, ...(previousDir ? [previousDir] : [])]);
  } catch (error) {
    // The new version is installed and current; an old directory left behind is only disk space.
    log(`could not remove an old version: ${error.message}`);
  }
  log(`installed rampart ${version}`);
}

try {
  await install();
} catch (error) {
  const message =
    error instanceof InstallError ? error.message : `unexpected failure: ${error.stack ?? error}`;
  try {
    log(`refused: ${message}; the previous install is unchanged`);
  } catch {
    // The log is best effort; the message still reaches stderr.
  }
  process.stderr.write(
    `rampart installer: ${message} (the previous install, if any, is unchanged; log: ${LOG})\n`,
  );
  process.exitCode = 1;
}
