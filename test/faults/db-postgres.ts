import pg from 'pg';
import { spawnStdioServer } from '../helpers/process.js';
import {
  type Answer,
  countFailures,
  type Outage,
  probeWhileDown,
  timeToRecover,
  whileDown,
} from './outage.js';
import { OwnPostgres } from './own-postgres.js';

export interface DbPostgresOptions {
  /** initdb's directory (see postgresBinaries). */
  readonly bin: string;
  readonly writes: number;
  readonly callsWhileDown: number;
}

function answerOf(result: Record<string, unknown>): Answer {
  const blocks = (result.content ?? []) as { text?: string }[];
  return { ok: result.isError !== true, message: blocks.map((b) => b.text ?? '').join(' ') };
}

/** How many acknowledged rows the database no longer holds as written, read past the server under test. */
async function missingRows(url: string, ids: readonly number[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number; v: string }>('SELECT id, v FROM t');
    const found = new Map(rows.map((row) => [row.id, row.v]));
    return ids.filter((id) => found.get(id) !== `v${id}`).length;
  } finally {
    await client.end();
  }
}

/**
 * A spawned `rampart db <url> --allow-writes` on a PostgreSQL cluster this scenario owns: rows are inserted,
 * PostgreSQL crashes (`pg_ctl stop -m immediate`) and is started again, and the same server process is asked
 * for every row it acknowledged.
 */
export async function dbPostgresOutage(options: DbPostgresOptions): Promise<Outage> {
  const cluster = await OwnPostgres.start(options.bin);
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
  await admin.end();
  const server = await spawnStdioServer([
    'db',
    cluster.url(),
    '--allow-writes',
    '--log-level',
    'error',
  ]).catch(async (error) => {
    await cluster.close();
    throw error;
  });
  const insert = async (id: number) =>
    answerOf(
      await server.callTool('execute', {
        sql: 'INSERT INTO t (id, v) VALUES ($1, $2)',
        params: [id, `v${id}`],
      }),
    );
  const count = async () => answerOf(await server.callTool('query', { sql: 'SELECT count(*) FROM t' }));
  try {
    const ids = Array.from({ length: options.writes }, (_, i) => i);
    const acknowledged: number[] = [];
    for (const id of ids) if ((await insert(id)).ok) acknowledged.push(id);
    await cluster.stop('immediate');
    const down = await probeWhileDown(options.callsWhileDown, (i) =>
      i % 2 === 0 ? insert(options.writes + i) : count(),
    );
    await cluster.start();
    const recoveredMs = await timeToRecover(count);
    const lost = await missingRows(cluster.url(), acknowledged);
    const after = ids.slice(0, 10).map((i) => options.writes * 2 + i);
    const failedAfter = await countFailures(after, insert);
    return {
      scenario: 'db server (PostgreSQL): PostgreSQL crashed (stop -m immediate) and started again',
      acknowledged: acknowledged.length,
      lost,
      ...whileDown(down),
      recoveredMs,
      callsAfter: after.length,
      failedAfter,
    };
  } finally {
    server.kill();
    await cluster.close();
  }
}
