import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildRelease } from '../../src/release/release.js';
import { publicKeyOf } from '../../src/release/signing.js';
import { REPO } from './mcp.js';

export const PLUGIN = path.join(REPO, 'plugin');

export function signingKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** Builds a real release of this checkout, stamped `version`, into a fresh directory; returns its files. */
export async function releaseFiles(version: string, key: KeyObject): Promise<Map<string, Buffer>> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), `rampart-release-${version}-`));
  const release = await buildRelease({ repo: REPO, outDir, version, signingKey: key });
  return new Map(release.files.map((name) => [name, readFileSync(path.join(outDir, name))]));
}

/**
 * A loopback release server: `/v<version>/<file>` from the current map. `truncate` names files whose bodies stop
 * halfway while Content-Length promises the whole.
 */
export class ReleaseServer {
  files = new Map<string, Buffer>();
  truncate = new Set<string>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<ReleaseServer> {
    let self: ReleaseServer | undefined;
    const server = createServer((req, res) => {
      const file = self?.files.get(req.url ?? '');
      if (!file) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-length': file.length, 'content-type': 'application/octet-stream' });
      if (self?.truncate.has(req.url ?? '')) {
        res.write(file.subarray(0, file.length >> 1));
        setTimeout(() => res.destroy(), 100);
        return;
      }
      res.end(file);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new ReleaseServer(server);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves a release's files under `/v<version>/`. */
  serve(version: string, files: ReadonlyMap<string, Buffer>): void {
    this.files = new Map([...files].map(([name, data]) => [`/v${version}/${name}`, data]));
    this.truncate.clear();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A copy of plugin/ pinned to `version` and `key`, as a user's Claude Code would hold it. */
export function pluginCopy(dir: string, version: string, key: KeyObject, from = PLUGIN): string {
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
  return pin(dir, version, key);
}

/** Pins a plugin copy to another release, as a plugin update would. */
export function pin(dir: string, version: string, key: KeyObject): string {
  const release = JSON.parse(readFileSync(path.join(dir, 'release.json'), 'utf8'));
  writeFileSync(
    path.join(dir, 'release.json'),
    JSON.stringify({ ...release, version, publicKey: publicKeyOf(key) }, null, 2),
  );
  return dir;
}

const run = promisify(execFile);

/** Runs the plugin's installer the way the SessionStart hook does; never throws. */
export async function runInstaller(
  plugin: string,
  baseUrl: string,
): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [path.join(plugin, 'scripts/install.mjs')], {
      env: { PATH: process.env.PATH ?? '', CLAUDE_PLUGIN_ROOT: plugin, RAMPART_RELEASE_BASE_URL: baseUrl },
      timeout: 60_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stderr: failed.stderr ?? '' };
  }
}
