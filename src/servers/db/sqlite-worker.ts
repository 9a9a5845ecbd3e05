import Database from 'better-sqlite3';
import { Refusal } from '../../core/errors.js';
import * as ops from './sqlite-ops.js';

/** Runs in a child process: SQLite is native code, and only a process can be stopped in the middle of it. */
export interface SqliteWorkerData {
  readonly file: string;
  readonly writable: boolean;
}

export type SqliteRequest =
  | { id: number; op: 'tables'; schema: string }
  | { id: number; op: 'describe'; schema: string; table: string }
  | { id: number; op: 'query'; sql: string; params: (string | number | boolean | null)[]; maxRows: number }
  | { id: number; op: 'explain'; sql: string; params: (string | number | boolean | null)[] }
  | { id: number; op: 'execute'; sql: string; params: (string | number | boolean | null)[] };

export type SqliteReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; refused: boolean; message: string };

const { file, writable } = JSON.parse(process.argv[2] ?? '{}') as SqliteWorkerData;
// Read-only mode is the engine's: the file is opened read-only and the connection refuses writes (query_only),
// so no statement the gate misjudged can change it.
const db = new Database(file, { readonly: !writable, fileMustExist: true });
if (!writable) db.pragma('query_only = 1');

function run(request: SqliteRequest): unknown {
  switch (request.op) {
    case 'tables':
      return ops.listTables(db, request.schema);
    case 'describe':
      return ops.describeTable(db, request.schema, request.table) ?? null;
    case 'query':
      return ops.query(db, request.sql, request.params, request.maxRows);
    case 'explain':
      return ops.explain(db, request.sql, request.params);
    case 'execute':
      return ops.execute(db, request.sql, request.params);
  }
}

process.on('message', (request: SqliteRequest) => {
  let reply: SqliteReply;
  try {
    reply = { id: request.id, ok: true, value: run(request) };
  } catch (error) {
    const refused =
      error instanceof Refusal || (error as { code?: string }).code?.startsWith('SQLITE_') === true;
    reply = { id: request.id, ok: false, refused, message: (error as Error).message };
  }
  process.send?.(reply);
});
