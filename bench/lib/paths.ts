import { fileURLToPath } from 'node:url';

/** The repository root (bench/ sits directly under it). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Generated fixtures; gitignored, safe to delete. */
export const BENCH_DATA_DIR = fileURLToPath(new URL('../../.bench-data/', import.meta.url));

export const BENCHMARKS_FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
