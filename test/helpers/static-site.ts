import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type LocalServer, startServer } from './web.js';

/**
 * A loopback web server that serves files of `root` under `prefix` (e.g. /schema/ as krakend.io does), with an
 * ETag per file and 304 for a matching If-None-Match. `override` answers chosen paths differently.
 */
export function serveDirectory(
  root: string,
  prefix: string,
  override: Record<string, { status: number; body: string; headers?: Record<string, string> }> = {},
): Promise<LocalServer> {
  return startServer('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const special = override[url.pathname];
    if (special) {
      res.writeHead(special.status, special.headers ?? {});
      res.end(special.body);
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const file = path.join(root, decodeURIComponent(url.pathname.slice(prefix.length)));
    if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(file);
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  });
}
