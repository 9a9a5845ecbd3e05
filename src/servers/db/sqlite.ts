import type { ChildProcess } from 'node:child_process';
import { Refusal } from '../../core/errors.js';
import { forkModule } from '../../core/worker.js';
import type { Engine, QueryResult, SqlParam, TableDescription, TableInfo } from './engine.js';
import type { SqliteReply, SqliteRequest, SqliteWorkerData } from './sqlite-worker.js';

/** An idle child must not keep the server's process alive; a busy one must. */
function idle(child: ChildProcess): void {
  child.unref();
  (child.channel as { unref?(): void } | undefined)?.unref?.();
}

function busy(child: ChildProcess): void {
  child.ref();
  (child.channel as { ref?(): void } | undefined)?.ref?.();
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type RequestBody = SqliteRequest extends infer R ? (R extends SqliteRequest ? Omit<R, 'id'> : never) : never;

/** A child process and the requests it owes answers to (a killed one fails only its own). */
interface Worker {
  readonly child: ChildProcess;
  readonly pending: Map<number, Pending>;
}

/**
 * SQLite runs synchronously in native code, so a query on the server's own thread could never be stopped (a
 * recursive CTE can run forever), and neither could one in a worker thread. Queries run in a child process, one
 * at a time; a call that is cancelled or runs out of time kills it, and the next call starts a fresh one.
 */
export class SqliteEngine implements Engine {
  readonly dialect = 'sqlite' as const;
  readonly schemas = ['main'] as const;
  readonly warnings: readonly string[] = [];
  private worker: Worker | undefined;
  private nextId = 1;

  constructor(private readonly data: SqliteWorkerData) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const child = forkModule(import.meta.url, 'sqlite-worker', this.data);
    const worker: Worker = { child, pending: new Map() };
    child.on('message', (reply: SqliteReply) => {
      const pending = worker.pending.get(reply.id);
      if (!pending) return;
      worker.pending.delete(reply.id);
      if (worker.pending.size === 0) idle(child);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(reply.refused ? new Refusal(reply.message) : new Error(reply.message));
    });
    // A killed child's exit can arrive after the next call started a fresh one: it fails only its own calls.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of worker.pending.values()) pending.reject(error);
      worker.pending.clear();
    };
    child.on('error', fail);
    child.on('exit', () => fail(new Error('the SQLite process stopped')));
    this.worker = worker;
    return worker;
  }

  private call<T>(body: RequestBody, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const stop = () => {
        worker.pending.delete(id);
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
        // The child may be deep inside the query: only killing it stops SQLite.
        if (this.worker === worker) this.worker = undefined;
        worker.child.kill('SIGKILL');
      };
      signal.addEventListener('abort', stop, { once: true });
      worker.pending.set(id, {
        resolve: (value) => {
          signal.removeEventListener('abort', stop);
          resolve(value as T);
        },
        reject: (error) => {
          signal.removeEventListener('abort', stop);
          reject(error);
        },
      });
      busy(worker.child);
      worker.child.send({ ...body, id } as SqliteRequest);
    });
  }

  listTables(schema: string, signal: AbortSignal): Promise<TableInfo[]> {
    return this.call({ op: 'tables', schema }, signal);
  }

  async describeTable(
    schema: string,
    table: string,
    signal: AbortSignal,
  ): Promise<TableDescription | undefined> {
    return (await this.call<TableDescription | null>({ op: 'describe', schema, table }, signal)) ?? undefined;
  }

  query(
    sql: string,
    params: readonly SqlParam[],
    maxRows: number,
    signal: AbortSignal,
  ): Promise<QueryResult> {
    return this.call({ op: 'query', sql, params: [...params], maxRows }, signal);
  }

  explain(sql: string, params: readonly SqlParam[], signal: AbortSignal): Promise<unknown> {
    return this.call({ op: 'explain', sql, params: [...params] }, signal);
  }

  execute(sql: string, params: readonly SqlParam[], signal: AbortSignal): Promise<{ rowsAffected: number }> {
    return this.call({ op: 'execute', sql, params: [...params] }, signal);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    worker?.child.kill('SIGKILL');
  }
}
