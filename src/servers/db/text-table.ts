import { cellText } from './values.js';

/** A compact pipe table for the model: one header line, one line a row, cells cut at 80 characters. */
export function textTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (columns.length === 0) return '(no columns)';
  const widths = columns.map((name) => Math.min(80, name.length));
  const cells: string[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly unknown[];
    const line: string[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const text = cellText(row[c]);
      line[c] = text;
      if (text.length > (widths[c] as number)) widths[c] = Math.min(80, text.length);
    }
    cells[r] = line;
  }
  const render = (values: readonly string[]) => {
    let out = '';
    for (let c = 0; c < values.length; c++) {
      const value = values[c] as string;
      out += c === values.length - 1 ? value : `${value.padEnd(widths[c] as number)} | `;
    }
    return out;
  };
  const lines = [render(columns), widths.map((w) => '-'.repeat(Math.max(1, w))).join('-|-')];
  for (const line of cells) lines.push(render(line));
  return lines.join('\n');
}
