import { Refusal } from '../../core/errors.js';
import type { Sandbox } from '../../core/sandbox.js';
import { startWorker } from '../../core/worker.js';
import {
  type ContentSearch,
  type ContentSearchResult,
  compileOrRefuse,
  searchContents,
} from './content-search.js';

type WorkerReply =
  | { ok: true; result: ContentSearchResult }
  | { ok: false; expected: boolean; message: string };

/**
 * A regular expression can backtrack for longer than any time budget (`(a+)+$` on a long line), and a
 * search on the server's own thread could then never be stopped. It runs in a worker thread instead,
 * terminated when the call is cancelled or runs out of time.
 */
function searchInWorker(
  sandbox: Sandbox,
  search: ContentSearch,
  signal: AbortSignal,
): Promise<ContentSearchResult> {
  const worker = startWorker(import.meta.url, 'grep-worker', { roots: sandbox.roots, search });
  return new Promise<ContentSearchResult>((resolve, reject) => {
    const stop = () => {
      void worker.terminate();
      reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
    };
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    const settle = () => signal.removeEventListener('abort', stop);
    worker.once('message', (reply: WorkerReply) => {
      settle();
      void worker.terminate();
      if (reply.ok) resolve(reply.result);
      else reject(reply.expected ? new Refusal(reply.message) : new Error(reply.message));
    });
    worker.once('error', (error) => {
      settle();
      reject(error);
    });
    worker.once('exit', () => {
      settle();
      reject(new Error('the grep worker stopped without an answer'));
    });
  });
}

/** Fixed strings cannot backtrack and are searched in-process (fastest); regular expressions in a worker. */
export function runContentSearch(
  sandbox: Sandbox,
  search: ContentSearch,
  signal: AbortSignal,
): Promise<ContentSearchResult> {
  const query = compileOrRefuse(search.query);
  if (search.query.literal || query.needle) return searchContents(sandbox, search, signal);
  return searchInWorker(sandbox, search, signal);
}
