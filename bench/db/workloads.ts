import type { Prng } from '../lib/prng.js';
import type { Expected } from './replies.js';
import { TABLE } from './setup.js';

export type WorkloadKey = 'bulk' | 'point';

/** One call: the statement (identical for every contender) and what it must return. */
export interface Call {
  readonly sql: string;
  readonly expected: Expected;
}

export interface Workload {
  readonly key: WorkloadKey;
  /** For tables, e.g. `1,000-row SELECT`. */
  readonly title: string;
  /** The statement as written in the report, with `<n>` for a varying value. */
  readonly shown: string;
  /** max_rows for Rampart (its default of 200 would cut the bulk read short). */
  readonly maxRows: number | undefined;
  next(prng: Prng): Call;
}

export const BULK_ROWS = 1_000;

/** 1,000 rows of all eight columns, in primary-key order: the "big result" path. */
const bulk: Workload = {
  key: 'bulk',
  title: `${BULK_ROWS.toLocaleString('en-US')}-row SELECT`,
  shown: `SELECT * FROM ${TABLE} ORDER BY id LIMIT ${BULK_ROWS}`,
  maxRows: BULK_ROWS,
  next: () => ({
    sql: `SELECT * FROM ${TABLE} ORDER BY id LIMIT ${BULK_ROWS}`,
    expected: { firstId: 1, rows: BULK_ROWS },
  }),
};

/**
 * One row by primary key, the id drawn from a seeded PRNG and inlined (the reference server takes no
 * parameters), so that each contender runs exactly the same statements in the same order.
 */
function point(tableRows: number): Workload {
  return {
    key: 'point',
    title: 'Point query',
    shown: `SELECT * FROM ${TABLE} WHERE id = <n>`,
    maxRows: undefined,
    next: (prng) => {
      const id = prng.int(1, tableRows);
      return { sql: `SELECT * FROM ${TABLE} WHERE id = ${id}`, expected: { firstId: id, rows: 1 } };
    },
  };
}

export function workloads(tableRows: number): readonly Workload[] {
  return [bulk, point(tableRows)];
}
