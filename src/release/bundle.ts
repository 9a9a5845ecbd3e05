import path from 'node:path';

/** The bundle's entry points: the CLI, and the two modules Rampart starts as a worker thread and a child process. */
const ENTRIES = {
  rampart: 'src/cli/main.ts',
  'grep-worker': 'src/servers/fs/grep-worker.ts',
  'sqlite-worker': 'src/servers/db/sqlite-worker.ts',
} as const;

/**
 * Packages that stay outside the bundle (see shipped.ts), optional ones Rampart never loads, and vite, which only
 * `rampart release` loads, from a clone (the console it builds ships as files beside the bundle).
 */
const EXTERNAL = ['better-sqlite3', 'yaml', 'picomatch', 'pg-native', 'tsx', 'tsx/esm/api', 'vite'];

/**
 * CommonJS dependencies call `require`, `__dirname` and `__filename`, which an ES module does not have; these
 * give them the bundle's own, so `require` finds the shipped packages beside it.
 */
const BANNER = [
  "import { createRequire as __rampartRequire } from 'node:module';",
  "import { fileURLToPath as __rampartPath } from 'node:url';",
  "import { dirname as __rampartDirname } from 'node:path';",
  'const require = __rampartRequire(import.meta.url);',
  'const __filename = __rampartPath(import.meta.url);',
  'const __dirname = __rampartDirname(__filename);',
].join('\n');

export interface BundledFile {
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

/** Bundles the CLI and its workers with esbuild, in memory, with the version fixed at build time. */
export async function bundle(repo: string, version: string): Promise<BundledFile[]> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('rampart release needs esbuild (a devDependency): run it from a clone after npm ci');
  }
  const result = await esbuild.build({
    absWorkingDir: repo,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, file]) => [name, path.join(repo, file)]),
    ),
    outdir: path.join(repo, 'release-out'),
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20.19',
    format: 'esm',
    // Prefer ES module builds: some packages' CommonJS builds are UMD wrappers that require their files by path.
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    banner: { js: BANNER },
    // The bundle finds its console in console/ beside it (see console-files.ts), not in a checkout's dist/.
    define: { __RAMPART_VERSION__: JSON.stringify(version), __RAMPART_BUNDLED__: 'true' },
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles.map((file) => ({
    path: path.basename(file.path),
    data: Buffer.from(file.contents),
    mode: path.basename(file.path) === 'rampart.js' ? 0o755 : 0o644,
  }));
}
