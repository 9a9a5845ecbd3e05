import { goJson, goString, isMap, NO_VALUE, toInt, toNumber, truth, typeName, type Value } from './values.js';

/** What a function may need from the renderer: partials, and a note for what it chose not to do. */
export interface FunctionContext {
  /** A partial, by name: its text, kept apart so the output can point into the partial file. */
  include(name: string): Promise<Value>;
  note(text: string): void;
}

type Fn = (ctx: FunctionContext, args: Value[]) => Value | Promise<Value>;

class FunctionError extends Error {}

const need = (name: string, args: Value[], count: number) => {
  if (args.length !== count)
    throw new FunctionError(`${name} takes ${count} argument(s), got ${args.length}`);
};
const str = (value: Value) =>
  value === NO_VALUE || value === null || value === undefined ? '' : goString(value);
const list = (value: Value): Value[] =>
  Array.isArray(value) ? value : value === null || value === NO_VALUE ? [] : [value];

function compare(name: string, a: Value, b: Value): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new FunctionError(`${name}: incompatible types for comparison (${typeName(a)} and ${typeName(b)})`);
}

function equal(a: Value, b: Value): boolean {
  if ((isMap(a) || Array.isArray(a)) && a !== null) throw new FunctionError('eq: non-comparable type');
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  const nil = (v: Value) => v === null || v === NO_VALUE || v === undefined;
  if (nil(a) || nil(b)) return nil(a) && nil(b);
  if (typeof a !== typeof b)
    throw new FunctionError(`eq: incompatible types for comparison (${typeName(a)} and ${typeName(b)})`);
  return a === b;
}

/** A function that takes exactly `count` arguments. */
const fixed =
  (name: string, count: number, fn: Fn): Fn =>
  (c, a) => {
    need(name, a, count);
    return fn(c, a);
  };

const ascending = (values: bigint[]) => values.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

/** Sprig's `empty`: the zero value of its type. */
const empty = (value: Value) => !truth(value);

function printf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%([-+ 0#]*\d*(?:\.\d+)?)([svdqtf%])/g, (_all, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[i++];
    if (verb === 'q') return JSON.stringify(str(arg));
    if (verb === 'd') return String(toInt(arg));
    return str(arg);
  });
}

/**
 * The functions KrakenD's docs use: Go's builtins, the Sprig functions a config template needs, and KrakenD's
 * `include` and `marshal`. Anything else is refused by name. `env` renders as empty: Rampart never copies the
 * server's environment (its secrets) into a config it returns.
 */
export const FUNCTIONS: Readonly<Record<string, Fn>> = {
  and: (_c, a) => a.find((v) => !truth(v)) ?? a[a.length - 1],
  or: (_c, a) => a.find((v) => truth(v)) ?? a[a.length - 1],
  not: fixed('not', 1, (_c, a) => !truth(a[0])),
  eq: (_c, a) => a.slice(1).some((b) => equal(a[0], b)),
  ne: fixed('ne', 2, (_c, a) => !equal(a[0], a[1])),
  lt: fixed('lt', 2, (_c, a) => compare('lt', a[0], a[1]) < 0),
  le: fixed('le', 2, (_c, a) => compare('le', a[0], a[1]) <= 0),
  gt: fixed('gt', 2, (_c, a) => compare('gt', a[0], a[1]) > 0),
  ge: fixed('ge', 2, (_c, a) => compare('ge', a[0], a[1]) >= 0),
  len: (_c, a) => {
    need('len', a, 1);
    const v = a[0];
    if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
    if (Array.isArray(v)) return BigInt(v.length);
    if (isMap(v)) return BigInt(Object.keys(v).length);
    throw new FunctionError(`len of ${typeName(v)}`);
  },
  index: (_c, a) => {
    let v = a[0];
    for (const key of a.slice(1)) {
      if (Array.isArray(v)) {
        const i = Number(toInt(key));
        if (i < 0 || i >= v.length) throw new FunctionError(`index out of range: ${i}`);
        v = v[i];
      } else if (isMap(v)) v = Object.hasOwn(v, str(key)) ? v[str(key)] : NO_VALUE;
      else throw new FunctionError(`can't index item of type ${typeName(v)}`);
    }
    return v;
  },
  print: (_c, a) =>
    a
      .map((v, i) => (i > 0 && typeof v !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + str(v))
      .join(''),
  println: (_c, a) => `${a.map(str).join(' ')}\n`,
  printf: (_c, a) => printf(str(a[0]), a.slice(1)),
  include: fixed('include', 1, (c, a) => c.include(str(a[0]))),
  marshal: fixed('marshal', 1, (_c, a) => goJson(a[0])),
  toJson: fixed('toJson', 1, (_c, a) => goJson(a[0])),
  toRawJson: fixed('toRawJson', 1, (_c, a) =>
    JSON.stringify(a[0] === NO_VALUE ? null : JSON.parse(goJson(a[0]))),
  ),
  toPrettyJson: fixed('toPrettyJson', 1, (_c, a) => goJson(a[0], '  ')),
  fromJson: (_c, a) => {
    try {
      return JSON.parse(str(a[0])) as Value;
    } catch {
      return {};
    }
  },
  env: (c, a) => {
    c.note(
      `env "${str(a[0])}" rendered as an empty string: Rampart does not read the server's environment into a config`,
    );
    return '';
  },
  default: (_c, a) => (a.length < 2 || empty(a[1]) ? a[0] : a[1]),
  empty: (_c, a) => empty(a[0]),
  coalesce: (_c, a) => a.find((v) => !empty(v)) ?? null,
  ternary: fixed('ternary', 3, (_c, a) => (truth(a[2]) ? a[0] : a[1])),
  quote: (_c, a) =>
    a
      .filter((v) => v !== null && v !== NO_VALUE)
      .map((v) => JSON.stringify(str(v)))
      .join(' '),
  squote: (_c, a) =>
    a
      .filter((v) => v !== null && v !== NO_VALUE)
      .map((v) => `'${str(v)}'`)
      .join(' '),
  upper: (_c, a) => str(a[0]).toUpperCase(),
  lower: (_c, a) => str(a[0]).toLowerCase(),
  title: (_c, a) => str(a[0]).replace(/\b\w/g, (c) => c.toUpperCase()),
  trim: (_c, a) => str(a[0]).trim(),
  trimPrefix: (_c, a) => (str(a[1]).startsWith(str(a[0])) ? str(a[1]).slice(str(a[0]).length) : str(a[1])),
  trimSuffix: (_c, a) =>
    str(a[1]).endsWith(str(a[0])) && str(a[0]) ? str(a[1]).slice(0, -str(a[0]).length) : str(a[1]),
  replace: (_c, a) => str(a[2]).split(str(a[0])).join(str(a[1])),
  contains: (_c, a) => str(a[1]).includes(str(a[0])),
  hasPrefix: (_c, a) => str(a[1]).startsWith(str(a[0])),
  hasSuffix: (_c, a) => str(a[1]).endsWith(str(a[0])),
  repeat: (_c, a) => str(a[1]).repeat(Math.min(Number(toInt(a[0])), 1 << 20)),
  cat: (_c, a) =>
    a
      .filter((v) => v !== null && v !== NO_VALUE)
      .map(str)
      .join(' '),
  indent: (_c, a) => str(a[1]).replace(/^/gm, ' '.repeat(Number(toInt(a[0])))),
  nindent: (_c, a) => `\n${str(a[1]).replace(/^/gm, ' '.repeat(Number(toInt(a[0]))))}`,
  join: (_c, a) => list(a[1]).map(str).join(str(a[0])),
  splitList: (_c, a) => str(a[1]).split(str(a[0])),
  list: (_c, a) => [...a],
  first: (_c, a) => list(a[0])[0] ?? null,
  last: (_c, a) => list(a[0]).at(-1) ?? null,
  uniq: (_c, a) => [...new Map(list(a[0]).map((v) => [goJson(v), v])).values()],
  sortAlpha: (_c, a) => list(a[0]).map(str).sort(),
  dict: (_c, a) => {
    const out: Record<string, Value> = {};
    for (let i = 0; i < a.length; i += 2) out[str(a[i])] = i + 1 < a.length ? a[i + 1] : '';
    return out;
  },
  keys: (_c, a) => a.flatMap((m) => (isMap(m) ? Object.keys(m) : [])).sort(),
  hasKey: (_c, a) => isMap(a[0]) && Object.hasOwn(a[0], str(a[1])),
  get: (_c, a) => (isMap(a[0]) && Object.hasOwn(a[0], str(a[1])) ? a[0][str(a[1])] : ''),
  add: (_c, a) => a.reduce<bigint>((sum, v) => sum + toInt(v), 0n),
  add1: (_c, a) => toInt(a[0]) + 1n,
  sub: (_c, a) => toInt(a[0]) - toInt(a[1]),
  mul: (_c, a) => a.reduce<bigint>((p, v) => p * toInt(v), 1n),
  div: (_c, a) => {
    if (toInt(a[1]) === 0n) throw new FunctionError('div: division by zero');
    return toInt(a[0]) / toInt(a[1]);
  },
  mod: (_c, a) => {
    if (toInt(a[1]) === 0n) throw new FunctionError('mod: division by zero');
    return toInt(a[0]) % toInt(a[1]);
  },
  max: (_c, a) => ascending(a.map(toInt)).at(-1) ?? 0n,
  min: (_c, a) => ascending(a.map(toInt))[0] ?? 0n,
  until: (_c, a) =>
    Array.from({ length: Math.max(0, Math.min(Number(toInt(a[0])), 100_000)) }, (_v, i) => BigInt(i)),
  toString: ((_c, a) => str(a[0])) as Fn,
  int: (_c, a) => toInt(a[0]),
  int64: (_c, a) => toInt(a[0]),
  atoi: (_c, a) => toInt(str(a[0])),
  b64enc: (_c, a) => Buffer.from(str(a[0])).toString('base64'),
  b64dec: (_c, a) => Buffer.from(str(a[0]), 'base64').toString('utf8'),
  fail: (_c, a) => {
    throw new FunctionError(`fail: ${str(a[0])}`);
  },
};

export { FunctionError };
