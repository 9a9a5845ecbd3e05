import { ConfigError } from '../core/config.js';
import type { GateMode } from '../guards/sql.js';
import { admit } from '../servers/db/admit.js';
import { dbConfigSchema } from '../servers/db/config.js';
import type { Engine } from '../servers/db/engine.js';
import { openEngine } from '../servers/db/index.js';

export interface DatabaseOptions {
  /** `sqlite:<path>`, `postgres://…` or `mysql://…`. */
  readonly url: string;
  /** Off by default: the engine itself refuses writes (read-only open, READ ONLY transactions). */
  readonly allowWrites?: boolean;
  /** Schemas (MySQL: databases) statements may reach; default: the connection's own. */
  readonly schemas?: readonly string[];
  /** Per-statement timeout the engine enforces. */
  readonly timeoutMs?: number;
}

/** Opens a database engine, read-only unless `allowWrites`, checking the connection and schemas once. */
export async function openDatabase(options: DatabaseOptions): Promise<Engine> {
  const parsed = dbConfigSchema.safeParse({ ...options, logLevel: 'silent' });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.') ?? 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  return openEngine(parsed.data);
}

/**
 * The SQL gate in front of the engine's own read-only mode: one statement of the kind asked (`read` or
 * `write`), inside the allowed schemas; throws a Refusal naming the reason otherwise.
 */
export function admitSql(engine: Engine, sql: string, mode: GateMode, signal: AbortSignal): Promise<void> {
  return admit(engine, sql, mode, signal);
}

export type { QueryResult, SqlParam, TableInfo } from '../servers/db/engine.js';
export type { Engine, GateMode };
