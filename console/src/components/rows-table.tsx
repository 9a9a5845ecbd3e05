type Row = Record<string, unknown>;

const MAX_ROWS = 500;
const MAX_COLUMNS = 20;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rows in a structured result: the result itself when it is a list of objects, or its first such field. */
export function rowsOf(structured: unknown): { name: string; rows: Row[] } | undefined {
  const candidates: [string, unknown][] = Array.isArray(structured)
    ? [['result', structured]]
    : isRow(structured)
      ? Object.entries(structured)
      : [];
  for (const [name, value] of candidates) {
    if (Array.isArray(value) && value.length > 0 && value.every(isRow)) return { name, rows: value };
  }
  return undefined;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A list of objects as a table: one column per key (in order of first appearance), every cell as text. */
export function RowsTable({ name, rows }: { name: string; rows: Row[] }) {
  const columns: string[] = [];
  for (const row of rows.slice(0, MAX_ROWS))
    for (const key of Object.keys(row))
      if (!columns.includes(key) && columns.length < MAX_COLUMNS) columns.push(key);
  const shown = rows.slice(0, MAX_ROWS);
  return (
    <div className="rows">
      <table>
        <caption>
          {name}: {rows.length} {rows.length === 1 ? 'row' : 'rows'}
          {rows.length > shown.length ? ` (the first ${shown.length} shown)` : ''}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            // Rows have no identity of their own; their order is the result's.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <tr key={i}>
              {columns.map((column) => (
                <td key={column}>{cell(row[column])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
