import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withConsoleHeaders } from './console-headers.js';

/** Set (by esbuild's define) only in the single-file release bundle, whose console lies beside it. */
declare const __RAMPART_BUNDLED__: boolean | undefined;

/**
 * Where the built console is: dist/console, two levels above both src/gateway and dist/gateway (`npm run build`
 * puts it there); in the release bundle, where this module is rampart.js itself, console/ beside it.
 */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(
  new URL(
    typeof __RAMPART_BUNDLED__ === 'boolean' && __RAMPART_BUNDLED__ ? './console/' : '../../dist/console/',
    import.meta.url,
  ),
);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly body: Uint8Array;
  readonly type: string;
  readonly cache: string;
}

/** The built console as a fixed map from URL path to file, read once: a request path is looked up, never joined. */
export type ConsoleAssets = ReadonlyMap<string, Asset>;

/**
 * Reads every servable file under `dir` (files of the types above; anything else, a link or a source map, is
 * left out). Undefined when the console has not been built there.
 */
export async function loadConsoleAssets(dir: string): Promise<ConsoleAssets | undefined> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => undefined);
  if (!entries) return undefined;
  const assets = new Map<string, Asset>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const type = CONTENT_TYPES[path.extname(entry.name)];
    if (!type) continue;
    const full = path.join(entry.parentPath, entry.name);
    const urlPath = `/${path.relative(dir, full).split(path.sep).join('/')}`;
    // Vite names everything under assets/ by its content hash, so a cached copy is never stale.
    const cache = urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    assets.set(urlPath, { body: await readFile(full), type, cache });
  }
  return assets.has('/index.html') ? assets : undefined;
}

/** Paths that belong to the gateway itself: never answered with the console's page. */
const GATEWAY_PATHS = /^\/(?:mcp|console\/api|\.well-known|healthz|metrics)(?:\/|$)/;

const NOT_BUILT = [
  'The Rampart console is not built in this installation.',
  '',
  'Run `npm run build` in the rampart-mcp checkout (it builds dist/console), then restart `rampart serve`.',
  'The MCP servers at /mcp/<name>, /healthz and /metrics work without it.',
  '',
].join('\n');

function respond(asset: Asset, method: string): Response {
  return withConsoleHeaders(
    new Response(method === 'HEAD' ? null : asset.body, {
      headers: { 'content-type': asset.type, 'cache-control': asset.cache },
    }),
  );
}

/**
 * Answers a GET or HEAD for the console: a built file by its exact path, or the app's page for a navigation to
 * any other path (the app routes in the browser). Undefined when the request is not the console's.
 */
export function consoleFileResponse(
  request: Request,
  assets: ConsoleAssets | undefined,
): Response | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const { pathname } = new URL(request.url);
  if (GATEWAY_PATHS.test(pathname)) return undefined;
  const navigation = (request.headers.get('accept') ?? '').includes('text/html');
  if (!assets) {
    if (pathname !== '/' && !navigation) return undefined;
    return withConsoleHeaders(
      new Response(request.method === 'HEAD' ? null : NOT_BUILT, {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      }),
    );
  }
  const file = assets.get(pathname === '/' ? '/index.html' : pathname);
  if (file) return respond(file, request.method);
  // Only a page navigation gets the app; a missing script or image stays a 404.
  if (navigation && !pathname.startsWith('/assets/'))
    return respond(assets.get('/index.html')!, request.method);
  return undefined;
}
