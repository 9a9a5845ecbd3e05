import { Refusal } from '../../core/errors.js';
import { type GateMode, gateStatement } from '../../guards/sql.js';
import type { Engine } from './engine.js';

type PostgresGate = typeof import('../../guards/sql-postgres.js');
let postgresGate: PostgresGate | undefined;

/**
 * PostgreSQL's parser (WebAssembly, ~150 ms to load) comes with the first statement, not at start-up, and only
 * for PostgreSQL: SQLite and MySQL never load it.
 */
async function loadPostgresGate(): Promise<PostgresGate> {
  const gate = await import('../../guards/sql-postgres.js');
  await gate.loadPostgresParser();
  postgresGate = gate;
  return gate;
}

/**
 * The statement gate, the second layer in front of the engine's own read-only mode: refuses, with the reason,
 * anything but one statement of the kind the tool runs, inside the allowed schemas.
 */
export async function admit(engine: Engine, sql: string, mode: GateMode, signal: AbortSignal): Promise<void> {
  const verdict =
    engine.dialect === 'postgres'
      ? (postgresGate ?? (await loadPostgresGate())).gatePostgres(sql, {
          mode,
          allowedSchemas: engine.schemas,
        })
      : gateStatement(sql, { dialect: engine.dialect, mode, allowedSchemas: engine.schemas });
  if (!verdict.ok) throw new Refusal(`sql: ${verdict.reason}`);
  if (verdict.qualifiers.length > 0 && engine.schemasAmong) {
    const outside = await engine.schemasAmong(verdict.qualifiers, signal);
    if (outside.length > 0) {
      throw new Refusal(
        `sql: schema "${outside[0]}" is outside the allowed schemas (${engine.schemas.join(', ')})`,
      );
    }
  }
}

/** A schema argument, which must be one of the allowed ones; the first allowed schema when absent. */
export function allowedSchema(engine: Engine, schema: string | undefined): string {
  const chosen = schema ?? (engine.schemas[0] as string);
  if (!engine.schemas.includes(chosen))
    throw new Refusal(`schema "${chosen}" is outside the allowed schemas (${engine.schemas.join(', ')})`);
  return chosen;
}
