import { createHash } from 'node:crypto';
import type { ParsedSchema, RuleSet, SchemaMetadata } from './schemas/types.js';

/** JSON with object keys sorted, so equal metadata written in another key order is the same content. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What makes two registrations the same content, as Confluent's MD5 does: type, canonical text, references, and
 * the metadata and rule set. Without metadata or rules it is the hash the stores have always written, so schemas
 * registered before these existed keep their identity.
 */
export function fingerprintOf(
  schema: Pick<ParsedSchema, 'type' | 'canonical' | 'references'>,
  metadata: SchemaMetadata | undefined,
  ruleSet: RuleSet | undefined,
): string {
  const hash = createHash('sha256').update(
    `${schema.type}\u0000${schema.canonical}\u0000${JSON.stringify(schema.references)}`,
  );
  if (metadata !== undefined || ruleSet !== undefined) {
    hash.update(`\u0000${stable(metadata ?? null)}\u0000${stable(ruleSet ?? null)}`);
  }
  return hash.digest('hex');
}

/**
 * The GUID of some content: its fingerprint's first 128 bits as an RFC 9562 version 8 (custom) UUID. Derived,
 * never stored, so existing stores need no migration, and equal content has one GUID whatever its ids.
 */
export function guidOf(fingerprint: string): string {
  const hex = fingerprint.slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The fingerprint prefix a GUID stands for, `_` where the UUID's version and variant bits replaced the hash's; a
 * store matches it with LIKE. Undefined for text that is not a GUID this registry gives out.
 */
export function fingerprintPatternOf(guid: string): string | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(guid)) return undefined;
  const hex = guid.replaceAll('-', '').toLowerCase().split('');
  hex[12] = '_';
  hex[16] = '_';
  return hex.join('');
}
