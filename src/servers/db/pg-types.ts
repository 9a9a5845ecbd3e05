import pg from 'pg';

const INT8 = 20;
/**
 * date, time, timetz, timestamp, timestamptz and interval stay as PostgreSQL prints them. The driver's Date
 * would read a `date` or a `timestamp` (no zone) in this process's time zone, shifting it when it is turned
 * back into text, and would drop microseconds.
 */
const AS_PRINTED = new Set([1082, 1083, 1266, 1114, 1184, 1186]);

const keepText = (text: string) => text;

/** bigint as a number when it fits exactly, else as text. numeric stays text, as the driver leaves it. */
const int8 = (text: string) => {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
};

export type TextParser = (text: string) => unknown;

/** How a text-format value of type `oid` becomes a JS value. */
export function textParser(oid: number): TextParser {
  if (oid === INT8) return int8;
  if (AS_PRINTED.has(oid)) return keepText;
  return pg.types.getTypeParser(oid, 'text') as TextParser;
}

/** The parsers for a pg.Pool: Rampart's for text results, the driver's for binary ones. */
export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    format === 'binary'
      ? pg.types.getTypeParser(oid, format)
      : textParser(oid)) as pg.CustomTypesConfig['getTypeParser'],
};
