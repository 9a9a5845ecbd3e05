import { parentPort, workerData } from 'node:worker_threads';
import { toSafeFailure } from '../../core/errors.js';
import { Sandbox } from '../../core/sandbox.js';
import type { Root } from '../../guards/path.js';
import { type ContentSearch, searchContents } from './content-search.js';

/** Runs one regular-expression search off the server's thread, so that it can be stopped whatever it does. */
const { roots, search } = workerData as { roots: Root[]; search: ContentSearch };

try {
  const result = await searchContents(new Sandbox(roots, false), search, new AbortController().signal);
  parentPort?.postMessage({ ok: true, result });
} catch (error) {
  const failure = toSafeFailure(error);
  parentPort?.postMessage({ ok: false, expected: failure.expected, message: failure.message });
}
