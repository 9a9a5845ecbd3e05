/** A missing map key, printed by Go as `<no value>`: not the same as JSON null, which prints `<nil>`. */
export const NO_VALUE = Symbol('no value');

export type Value = unknown;

/** A JSON/YAML object or a `dict`: plain objects only, not the renderer's own wrappers. */
export function isMap(value: Value): value is Record<string, Value> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Go's notion of truth: false, 0, "", nil and empty collections are false. */
export function truth(value: Value): boolean {
  if (value === NO_VALUE || value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * How Go prints a number decoded from JSON (a float64, `%v`): shortest digits, and e-notation from an exponent of
 * 6 up or below -4, so 1000000 prints as 1e+06 (the reason templates marshal numbers they pass through).
 */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** fmt's %v: what `{{ .x }}` prints. */
export function goString(value: Value): string {
  if (value === NO_VALUE || value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFloat(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goString(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** encoding/json's Marshal: keys sorted, <, > and & escaped, as KrakenD's `marshal` and Sprig's `toJson` print. */
export function goJson(value: Value, indent = ''): string {
  const text = JSON.stringify(sortKeys(value), null, indent || undefined) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: Value): Value {
  if (value === NO_VALUE || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isMap(value)) {
    const out: Record<string, Value> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

export function typeName(value: Value): string {
  if (value === NO_VALUE || value === undefined || value === null) return 'nil';
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  if (typeof value === 'bigint') return 'int';
  return typeof value === 'number' ? 'float64' : typeof value === 'boolean' ? 'bool' : 'string';
}

/** A number as Go would use it in arithmetic or indexing: ints stay ints, floats are truncated like Sprig's toInt64. */
export function toInt(value: Value): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return 0n;
}

export function toNumber(value: Value): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  return undefined;
}
