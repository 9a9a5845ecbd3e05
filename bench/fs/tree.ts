import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DATA_DIR } from '../lib/paths.js';
import { Prng } from '../lib/prng.js';
import { type Extension, fileContent } from './content.js';

/** The literal planted in about 0.1% of the files, for `grep`. */
export const NEEDLE = 'RAMPART_NEEDLE_7f3a';
/** The name pattern of the files `search_files` looks for (about 0.75% of the files). */
export const SPEC_NAME = '*.spec.ts';
export const SPEC_GLOB = `**/${SPEC_NAME}`;

/** Bump when the generator changes: a cached tree from another version is regenerated. */
const GENERATOR_VERSION = 1;
const SEED = 0x5eed2026;
const NEEDLE_RATE = 0.001;
const SPEC_RATE = 0.0075;
const FILES_PER_DIR = [10, 30] as const;
const SUBDIRS_PER_DIR = [2, 7] as const;

const EXTENSIONS: readonly (readonly [Extension, number])[] = [
  ['ts', 30],
  ['js', 20],
  ['py', 15],
  ['md', 15],
  ['json', 10],
  ['txt', 10],
];

const DIR_NAMES = [
  'api',
  'assets',
  'cli',
  'common',
  'components',
  'config',
  'core',
  'docs',
  'features',
  'handlers',
  'internal',
  'jobs',
  'lib',
  'models',
  'modules',
  'pkg',
  'scripts',
  'services',
  'shared',
  'src',
  'store',
  'tools',
  'types',
  'utils',
  'views',
  'vendor',
  'workers',
  'fixtures',
  'migrations',
  'plugins',
] as const;

const FILE_NAMES = [
  'index',
  'main',
  'client',
  'server',
  'router',
  'schema',
  'types',
  'utils',
  'helpers',
  'constants',
  'config',
  'parser',
  'loader',
  'cache',
  'queue',
  'session',
  'store',
  'model',
  'view',
  'controller',
  'service',
  'adapter',
  'mapper',
  'reducer',
  'selectors',
  'hooks',
  'events',
  'errors',
  'logger',
  'metrics',
  'README',
  'CHANGELOG',
  'notes',
  'package',
  'settings',
  'fixtures',
  'migrate',
  'worker',
  'format',
  'guard',
] as const;

/** What a generated tree holds; stored next to it once it is complete. */
export interface TreeInfo {
  readonly version: number;
  readonly seed: number;
  readonly root: string;
  readonly files: number;
  readonly directories: number;
  readonly bytes: number;
  readonly maxDepth: number;
  readonly specFiles: number;
  readonly needleFiles: number;
  readonly needleLines: number;
}

interface PendingDir {
  readonly path: string;
  readonly depth: number;
}

/** Shallowest depth whose expected capacity comfortably exceeds the file count (at least 3). */
function depthFor(files: number): number {
  const meanFiles = (FILES_PER_DIR[0] + FILES_PER_DIR[1]) / 2;
  const meanSubdirs = (SUBDIRS_PER_DIR[0] + SUBDIRS_PER_DIR[1]) / 2;
  let depth = 3;
  const capacity = (d: number) => meanFiles * ((meanSubdirs ** (d + 1) - 1) / (meanSubdirs - 1));
  while (capacity(depth) < files * 1.5) depth++;
  return depth;
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = base.replace(/(\.[^.]+(\.ts)?)?$/, (ext) => `-${n}${ext}`);
  taken.add(name);
  return name;
}

/**
 * Writes exactly `count` files, breadth first: each directory gets 10-30 files and, above the deepest
 * level, 2-7 subdirectories (only those that end up with files are created).
 */
function generate(root: string, count: number): Omit<TreeInfo, 'root'> {
  const prng = new Prng(SEED);
  const maxDepth = depthFor(count);
  const queue: PendingDir[] = [{ path: root, depth: 0 }];
  let files = 0;
  let directories = 0;
  let bytes = 0;
  let specFiles = 0;
  let needleFiles = 0;
  let needleLines = 0;
  for (let head = 0; files < count; head++) {
    const dir = queue[head];
    if (!dir) throw new Error(`generator ran out of directories at ${files} of ${count} files`);
    mkdirSync(dir.path, { recursive: true });
    directories++;
    const taken = new Set<string>();
    const here = Math.min(prng.int(...FILES_PER_DIR), count - files);
    for (let i = 0; i < here; i++) {
      let ext = prng.weighted(EXTENSIONS);
      let base: string = prng.pick(FILE_NAMES);
      if (prng.chance(SPEC_RATE)) {
        ext = 'ts';
        base = `${base}.spec`;
        specFiles++;
      } else if (ext === 'ts' && prng.chance(0.05)) {
        base = `${base}.test`;
      }
      const needles = prng.chance(NEEDLE_RATE) ? (prng.chance(0.1) ? 2 : 1) : 0;
      const text = fileContent(ext, prng, NEEDLE, needles);
      if (needles > 0) {
        needleFiles++;
        needleLines += needles;
      }
      writeFileSync(join(dir.path, uniqueName(taken, `${base}.${ext}`)), text);
      bytes += Buffer.byteLength(text);
      files++;
    }
    if (dir.depth < maxDepth) {
      const subdirs = prng.int(...SUBDIRS_PER_DIR);
      for (let i = 0; i < subdirs; i++) {
        queue.push({ path: join(dir.path, uniqueName(taken, prng.pick(DIR_NAMES))), depth: dir.depth + 1 });
      }
    }
  }
  const deepest = Math.max(...queue.slice(0, directories).map((d) => d.depth));
  return {
    version: GENERATOR_VERSION,
    seed: SEED,
    files,
    directories,
    bytes,
    maxDepth: deepest,
    specFiles,
    needleFiles,
    needleLines,
  };
}

/**
 * Returns the tree of `count` files under .bench-data/fs-tree-<count>/tree, generating it unless a
 * `complete.json` written by this generator version says it is already there.
 */
export function ensureTree(count: number): TreeInfo {
  const home = join(BENCH_DATA_DIR, `fs-tree-${count}`);
  const marker = join(home, 'complete.json');
  const root = join(home, 'tree');
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as Omit<TreeInfo, 'root'>;
    if (info.version === GENERATOR_VERSION && info.seed === SEED && info.files === count) {
      return { ...info, root: realpathSync(root) };
    }
  }
  console.error(`generating ${count.toLocaleString('en-US')} files under ${root} ...`);
  rmSync(home, { recursive: true, force: true });
  const started = Date.now();
  const info = generate(root, count);
  writeFileSync(marker, `${JSON.stringify(info, null, 2)}\n`);
  // Flush the new files to disk now, so that writeback does not overlap the measurements.
  execFileSync('sync');
  console.error(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ...info, root: realpathSync(root) };
}
