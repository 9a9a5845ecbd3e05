import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * What cannot live inside the bundle and so ships beside it: better-sqlite3's compiled addon (with the two small
 * packages that locate it), and the packages Rampart loads lazily with `require` (yaml, picomatch) so that
 * commands which never need them do not pay for loading them. For each, the paths inside the package to ship.
 */
const SHIPPED: Readonly<Record<string, readonly string[]>> = {
  'better-sqlite3': ['package.json', 'LICENSE', 'lib', 'build/Release/better_sqlite3.node'],
  bindings: ['package.json', 'LICENSE.md', 'bindings.js'],
  'file-uri-to-path': ['package.json', 'LICENSE', 'index.js'],
  yaml: ['package.json', 'LICENSE', 'dist'],
  picomatch: ['package.json', 'LICENSE', 'index.js', 'posix.js', 'lib'],
};

/** Files loaded at run time from beside the bundle: the PostgreSQL parser's WebAssembly. */
const ASSETS: readonly { readonly from: string; readonly name: string }[] = [
  { from: '@libpg-query/parser/wasm/libpg-query.wasm', name: 'libpg-query.wasm' },
];

export interface ShippedFile {
  /** Path inside the release, `/`-separated. */
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

function walk(root: string, relative: string, out: ShippedFile[], prefix: string): void {
  const full = path.join(root, relative);
  if (!existsSync(full)) return;
  const stat = statSync(full);
  if (stat.isDirectory()) {
    for (const name of readdirSync(full).sort()) walk(root, path.join(relative, name), out, prefix);
    return;
  }
  out.push({
    path: `${prefix}/${relative.split(path.sep).join('/')}`,
    data: readFileSync(full),
    mode: stat.mode & 0o111 ? 0o755 : 0o644,
  });
}

/** The shipped packages and assets, read from this checkout's node_modules. */
export function shippedFiles(repo: string): ShippedFile[] {
  const require = createRequire(path.join(repo, 'package.json'));
  const files: ShippedFile[] = [];
  for (const [name, include] of Object.entries(SHIPPED)) {
    const root = path.dirname(require.resolve(`${name}/package.json`));
    const before = files.length;
    for (const entry of include) walk(root, entry, files, `node_modules/${name}`);
    if (!files.some((f, i) => i >= before && f.path === `node_modules/${name}/package.json`))
      throw new Error(`${name} is not installed in ${repo}/node_modules; run npm ci first`);
  }
  if (!files.some((f) => f.path.endsWith('.node')))
    throw new Error(
      'better-sqlite3 has no compiled addon (build/Release/better_sqlite3.node); run npm rebuild',
    );
  for (const asset of ASSETS) {
    const from = path.join(repo, 'node_modules', asset.from);
    files.push({ path: asset.name, data: readFileSync(from), mode: 0o644 });
  }
  return files;
}
