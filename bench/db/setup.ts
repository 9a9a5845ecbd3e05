import pg from 'pg';

export const SCHEMA = 'rampart_bench';
/** Qualified everywhere: the reference server sees the connection's default search_path. */
export const TABLE = `${SCHEMA}.t`;
export const COLUMNS = ['id', 'name', 'category', 'qty', 'price', 'created_at', 'active', 'note'] as const;

export interface Fixture {
  readonly rows: number;
  /** pg_total_relation_size of the table (heap, index, TOAST). */
  readonly bytes: number;
  readonly serverVersion: string;
}

const CREATE = `CREATE TABLE ${TABLE} (
  id integer PRIMARY KEY,
  name text NOT NULL,
  category text NOT NULL,
  qty integer NOT NULL,
  price numeric(12, 2) NOT NULL,
  created_at timestamptz NOT NULL,
  active boolean NOT NULL,
  note text
)`;

/** Deterministic rows: every value is a function of id, so every run (and every contender) sees the same data. */
const FILL = `INSERT INTO ${TABLE}
  SELECT i,
         'item-' || lpad(i::text, 6, '0'),
         (ARRAY['tools', 'garden', 'kitchen', 'books', 'toys'])[1 + i % 5],
         (i * 7919) % 1000,
         round(((i::bigint * 104729) % 100000) / 100.0, 2),
         timestamptz '2024-01-01 00:00:00+00' + i * interval '37 minutes',
         i % 3 <> 0,
         CASE WHEN i % 4 = 0 THEN NULL ELSE 'note ' || md5(i::text) END
  FROM generate_series(1, $1::int) AS i`;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'rampart-bench-setup' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** (Re)creates schema rampart_bench with table t of `rows` rows, analysed. */
export function createFixture(url: string, rows: number): Promise<Fixture> {
  return withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.query(`CREATE SCHEMA ${SCHEMA}`);
    await client.query(CREATE);
    await client.query(FILL, [rows]);
    await client.query(`ANALYZE ${TABLE}`);
    const size = await client.query<{ bytes: string; version: string }>(
      `SELECT pg_total_relation_size('${TABLE}')::text AS bytes, current_setting('server_version') AS version`,
    );
    const row = size.rows[0];
    if (!row) throw new Error('pg_total_relation_size returned no row');
    return { rows, bytes: Number(row.bytes), serverVersion: row.version };
  });
}

export function dropFixture(url: string): Promise<void> {
  return withClient(url, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  });
}
