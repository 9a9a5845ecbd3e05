/** Turns driver values into JSON a model can read, with each cell bounded. */

export const MAX_CELL_CHARS = 8_192;

function capString(text: string): string {
  if (text.length <= MAX_CELL_CHARS) return text;
  return `${text.slice(0, MAX_CELL_CHARS)}… [${text.length - MAX_CELL_CHARS} more characters]`;
}

export function jsonCell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'string') return capString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    const shown = bytes.subarray(0, MAX_CELL_CHARS / 2).toString('hex');
    return bytes.length * 2 > MAX_CELL_CHARS ? `\\x${shown}… [${bytes.length} bytes]` : `\\x${shown}`;
  }
  const json = JSON.stringify(value);
  return json.length > MAX_CELL_CHARS ? capString(json) : value;
}

const LINE_BREAKS = /[\r\n\t]/;

/** One line a cell, for the text table: at most 80 characters, line breaks shown as \n. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length > 80) text = `${text.slice(0, 79)}…`;
  return LINE_BREAKS.test(text) ? text.replace(/\r?\n/g, '\\n').replace(/[\r\t]/g, ' ') : text;
}
