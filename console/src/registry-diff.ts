import { diffLines } from 'diff';

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

/**
 * A schema as lines a person can compare: Avro and JSON Schema are JSON, which a registry often stores on one
 * line, so they are re-indented (two spaces, keys in their stored order); Protobuf is already printed one
 * declaration a line. Text that is not JSON is shown as it is.
 */
export function schemaText(schema: string, type: SchemaType): string {
  if (type === 'PROTOBUF') return schema;
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}

export type Side = { readonly number: number; readonly text: string };

/** One row of a side-by-side diff: a line on the left (older), on the right (newer), or both. */
export interface DiffRow {
  readonly kind: 'same' | 'changed' | 'removed' | 'added';
  readonly left?: Side;
  readonly right?: Side;
}

const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  // A change's text ends with the newline of its last line, which is no line of its own.
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The line diff of `left` and `right` (jsdiff's) as aligned rows: unchanged lines side by side, a run of removed
 * lines followed by a run of added ones paired row by row as changed lines (the longer run goes on alone), a
 * removal with nothing added opposite it on the left only, an addition on the right only.
 */
export function sideBySide(left: string, right: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let l = 0;
  let r = 0;
  // Both end with a newline, so a last line is not told apart by whether a newline follows it.
  const changes = diffLines(withNewline(left), withNewline(right));
  for (let i = 0; i < changes.length; i += 1) {
    const change = changes[i];
    if (!change) continue;
    if (!change.added && !change.removed) {
      for (const text of linesOf(change.value)) {
        l += 1;
        r += 1;
        rows.push({ kind: 'same', left: { number: l, text }, right: { number: r, text } });
      }
      continue;
    }
    const removed = change.removed ? linesOf(change.value) : [];
    const next = changes[i + 1];
    let added: string[] = [];
    if (change.added) added = linesOf(change.value);
    else if (next?.added) {
      added = linesOf(next.value);
      i += 1;
    }
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < Math.max(removed.length, added.length); k += 1) {
      const gone = removed[k];
      const come = added[k];
      const row: { kind: DiffRow['kind']; left?: Side; right?: Side } = {
        kind: k < paired ? 'changed' : gone === undefined ? 'added' : 'removed',
      };
      if (gone !== undefined) {
        l += 1;
        row.left = { number: l, text: gone };
      }
      if (come !== undefined) {
        r += 1;
        row.right = { number: r, text: come };
      }
      rows.push(row);
    }
  }
  return rows;
}

/** How many lines the diff removes and adds (a changed row counts once each way). */
export function diffCounts(rows: readonly DiffRow[]): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const row of rows) {
    if (row.kind === 'same') continue;
    if (row.left) removed += 1;
    if (row.right) added += 1;
  }
  return { removed, added };
}
