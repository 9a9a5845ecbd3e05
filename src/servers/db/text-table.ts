import { cellText } from './values.js';

/** A compact pipe table for the model: one header line, one line a row, cells cut at 80 characters. */
export function textTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (columns.length === 0) return '(no columns)';
  const cells = rows.map((row) => row.map(cellText));
  const widths = columns.map((name, i) =>
    Math.min(80, Math.max(name.length, ...cells.map((row) => (row[i] ?? '').length))),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(Math.max(1, w))).join('-|-'), ...cells.map(line)].join(
    '\n',
  );
}
