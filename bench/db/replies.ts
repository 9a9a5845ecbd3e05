import type { CallToolResult } from '@modelcontextprotocol/client';
import { textOf } from '../lib/mcp.js';
import type { Reply } from './contenders.js';
import { COLUMNS } from './setup.js';

/** What a call must return: `rows` rows of all the table's columns, ids `firstId`, `firstId + 1`, …. */
export interface Expected {
  readonly firstId: number;
  readonly rows: number;
}

type Row = readonly unknown[];

function fail(reply: Reply, message: string): never {
  throw new Error(`${reply.kind} returned a wrong result: ${message}`);
}

function sameColumns(reply: Reply, columns: readonly unknown[]): void {
  if (columns.length !== COLUMNS.length || columns.some((c, i) => c !== COLUMNS[i]))
    fail(reply, `columns ${JSON.stringify(columns)}, expected ${JSON.stringify(COLUMNS)}`);
}

function rampartRows(reply: Reply, result: CallToolResult): Row[] {
  const structured = result.structuredContent;
  if (!structured) fail(reply, 'no structuredContent');
  const { columns, rows, rowCount, truncated } = structured as {
    columns?: unknown;
    rows?: unknown;
    rowCount?: unknown;
    truncated?: unknown;
  };
  if (!Array.isArray(columns) || !Array.isArray(rows)) fail(reply, 'structuredContent without columns/rows');
  sameColumns(reply, columns);
  if (rowCount !== rows.length || truncated !== false)
    fail(reply, `rowCount ${String(rowCount)}, truncated ${String(truncated)} for ${rows.length} rows`);
  if (!textOf(result).endsWith(`(${rows.length} row${rows.length === 1 ? '' : 's'})`))
    fail(reply, 'the text table does not end with the row count');
  return rows as Row[];
}

function objectRows(reply: Reply, objects: readonly unknown[]): Row[] {
  return objects.map((object) => {
    if (typeof object !== 'object' || object === null) fail(reply, 'a row that is not an object');
    sameColumns(reply, Object.keys(object));
    const record = object as Record<string, unknown>;
    return COLUMNS.map((column) => record[column]);
  });
}

function referenceRows(reply: Reply, result: CallToolResult): Row[] {
  const parsed: unknown = JSON.parse(textOf(result));
  if (!Array.isArray(parsed)) fail(reply, 'the text is not a JSON array');
  return objectRows(reply, parsed);
}

/** The rows of a reply in column order, decoded fully (the reference's JSON text is parsed). */
export function rowsOf(reply: Reply): Row[] {
  if (reply.kind === 'pg') return objectRows(reply, reply.rows);
  // The bare SDK server answers exactly as the reference does: indented JSON text.
  return reply.kind === 'rampart' ? rampartRows(reply, reply.result) : referenceRows(reply, reply.result);
}

/**
 * Checks every reply; cheap enough to run on each call. JSON text (the reference's, the bare SDK server's) is
 * parsed once per distinct statement and later replies are compared with the checked text, so the check never
 * costs them a JSON.parse of 1,000 rows per call.
 */
export class ReplyChecker {
  private readonly checkedText = new Map<string, string>();

  check(sql: string, reply: Reply, expected: Expected): void {
    if (reply.kind === 'reference' || reply.kind === 'sdk') {
      const text = textOf(reply.result);
      if (this.checkedText.get(sql) === text) return;
      this.checkRows(reply, expected);
      if (expected.rows > 1) this.checkedText.set(sql, text);
      return;
    }
    this.checkRows(reply, expected);
  }

  private checkRows(reply: Reply, expected: Expected): void {
    const rows = rowsOf(reply);
    if (rows.length !== expected.rows) fail(reply, `${rows.length} rows, expected ${expected.rows}`);
    for (const [i, row] of rows.entries()) {
      if (row[0] !== expected.firstId + i)
        fail(reply, `row ${i} has id ${String(row[0])}, expected ${expected.firstId + i}`);
    }
  }
}

/** PostgreSQL's own timestamptz text, as Rampart returns it: `2024-01-01 00:37:00+00`, maybe with fractions. */
const PG_TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?$/;

/** A timestamp as an ISO instant, whichever way it was written (pg's Date in JSON, or PostgreSQL's text). */
function canonicalCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = PG_TIMESTAMPTZ.exec(value);
  if (!match) return value;
  const [, date, time, hours, minutes] = match;
  return new Date(`${date}T${time}${hours}:${minutes ?? '00'}`).toISOString();
}

/** Rows as JSON text, timestamps as ISO instants: what the contenders must agree on value for value. */
export function canonicalRows(reply: Reply): string {
  return JSON.stringify(rowsOf(reply).map((row) => row.map(canonicalCell)));
}

export interface ReplySize {
  /** The tool result as JSON, as it crosses stdio inside the JSON-RPC response. */
  readonly resultBytes: number;
  /** The text content blocks, as UTF-8 (before JSON escaping). */
  readonly textBytes: number;
  /** structuredContent as JSON; 0 when there is none. */
  readonly structuredBytes: number;
}

export function sizeOf(result: CallToolResult): ReplySize {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  return {
    resultBytes: bytes(JSON.stringify(result)),
    textBytes: bytes(textOf(result)),
    structuredBytes: result.structuredContent ? bytes(JSON.stringify(result.structuredContent)) : 0,
  };
}
