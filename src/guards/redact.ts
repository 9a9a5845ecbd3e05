/** Keeps secrets out of logs, errors and audit records. Pure functions. */

export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /pass(word|wd|phrase)?|secret|token|api[-_]?key|apikey|authorization|auth[-_]?header|cookie|credential|private[-_]?key|client[-_]?secret|session[-_]?id|bearer|signature|^auth$/i;

/** A connection URL with its password shown as `***`, for messages and logs; unparsable ones are masked by pattern. */
export function hideUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A key naming a secret and its separator, as in `password=`, `"apiKey": ` or `token: `. */
const SECRET_PAIR = String.raw`(?:pass(?:word|wd|phrase)?|secret|token|api[-_]?key|apikey|access[-_]?key|client[-_]?secret)["']?\s*[:=]\s*`;

const TEXT_PATTERNS: readonly [RegExp, string][] = [
  // PEM private keys, first: the patterns below could otherwise eat their BEGIN or END line and hide them.
  // A block cut short (no END line) is redacted to the end of the text.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // URL userinfo: scheme://user:password@host (the user may be empty, as in redis://:password@host).
  // Anchored on "://" rather than the scheme, which would rescan every run of letters (quadratic time).
  [/:\/\/[^\s/@:]*:[^\s/@]*@/g, `://${REDACTED}@`],
  // Authorization header values
  [/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // key=value and "key": "value" pairs whose key names a secret; a quoted value is redacted whole
  [new RegExp(String.raw`(${SECRET_PAIR}")(?:[^"\\\n]|\\.)*`, 'gi'), `$1${REDACTED}`],
  [new RegExp(String.raw`(${SECRET_PAIR}')[^'\n]*`, 'gi'), `$1${REDACTED}`],
  [new RegExp(String.raw`(${SECRET_PAIR})[^\s"'&,;}]+`, 'gi'), `$1${REDACTED}`],
  // JSON Web Tokens; starting only where a base64url run starts keeps the scan linear
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // AWS access key ids
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
];

/** Replaces secret-looking substrings of free text. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 12;

/**
 * A deep copy of `value` with every field whose key names a secret replaced, and every string passed
 * through `redactText`. Cycles and very deep structures are cut rather than followed.
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe =
      isSecretKey(key) && item !== null && item !== undefined ? REDACTED : redactValue(item, depth + 1, seen);
    // defineProperty, not assignment: a key named __proto__ (valid in parsed JSON) must stay plain data.
    Object.defineProperty(out, key, { value: safe, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
