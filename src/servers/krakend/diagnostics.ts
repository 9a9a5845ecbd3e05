import type { ErrorObject } from 'ajv';
import { escapePointer } from './audit/summary.js';

/** One schema complaint, reduced to what a person fixes: where, and what is wrong. */
export interface SchemaComplaint {
  readonly pointer: string;
  readonly message: string;
  readonly code: 'unknown_key' | 'missing_key' | 'wrong_type' | 'not_allowed_value' | 'schema';
  /** The offending key, for unknown and missing keys. */
  readonly key?: string;
  /** Report at the key rather than the value (unknown keys). */
  readonly atKey: boolean;
}

const WRAPPERS = new Set(['anyOf', 'oneOf']);

/**
 * Turns ajv's raw errors into complaints: `if` noise is dropped, and for an anyOf/oneOf only the branch that got
 * furthest into the document is kept (a bare "must match a schema in anyOf" says nothing a person can act on).
 */
export function complaintsOf(errors: readonly ErrorObject[]): SchemaComplaint[] {
  let kept = errors.filter((e) => e.keyword !== 'if');
  const wrappers = kept
    .filter((e) => WRAPPERS.has(e.keyword))
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const wrapper of wrappers) {
    const prefix = `${wrapper.schemaPath}/`;
    const branchErrors = kept.filter((e) => e.schemaPath.startsWith(prefix));
    if (branchErrors.length === 0) continue;
    const chosen = chooseBranch(wrapper, branchErrors, prefix);
    kept = [...kept.filter((e) => e !== wrapper && !branchErrors.includes(e)), ...chosen];
  }
  const seen = new Set<string>();
  const complaints: SchemaComplaint[] = [];
  for (const error of kept) {
    const complaint = describe(error);
    const key = `${complaint.pointer}\u0000${complaint.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    complaints.push(complaint);
  }
  return complaints;
}

/** The branch whose errors lie deepest in the document; a type mismatch on every branch becomes one merged error. */
function chooseBranch(wrapper: ErrorObject, branchErrors: ErrorObject[], prefix: string): ErrorObject[] {
  const byBranch = new Map<string, ErrorObject[]>();
  for (const error of branchErrors) {
    const branch = error.schemaPath.slice(prefix.length).split('/')[0] as string;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), error]);
  }
  const onlyTypes = branchErrors.every(
    (e) => e.keyword === 'type' && e.instancePath === wrapper.instancePath,
  );
  if (onlyTypes) {
    const types = [...new Set(branchErrors.map((e) => String(e.params.type)))];
    return [{ ...(branchErrors[0] as ErrorObject), params: { type: types.join(',') } }];
  }
  let best: ErrorObject[] = [];
  let bestDepth = -1;
  for (const errors of byBranch.values()) {
    const depth = Math.max(...errors.map((e) => e.instancePath.split('/').length));
    if (depth > bestDepth || (depth === bestDepth && errors.length < best.length)) {
      best = errors;
      bestDepth = depth;
    }
  }
  return best;
}

function describe(error: ErrorObject): SchemaComplaint {
  const where = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      return {
        pointer: `${where}/${escapePointer(key)}`,
        message: `unknown key "${key}"`,
        code: 'unknown_key',
        key,
        atKey: true,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return {
        pointer: where,
        message: `missing required key "${key}"`,
        code: 'missing_key',
        key,
        atKey: false,
      };
    }
    case 'type':
      return {
        pointer: where,
        message: `must be ${String(params.type).split(',').map(article).join(' or ')}`,
        code: 'wrong_type',
        atKey: false,
      };
    case 'enum':
      return {
        pointer: where,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        code: 'not_allowed_value',
        atKey: false,
      };
    case 'const':
      return {
        pointer: where,
        message: `must be ${JSON.stringify(params.allowedValue)}`,
        code: 'not_allowed_value',
        atKey: false,
      };
    case 'oneOf':
      return Array.isArray(params.passingSchemas)
        ? {
            pointer: where,
            message: 'matches more than one of its allowed forms; keep the keys of one form only',
            code: 'schema',
            atKey: false,
          }
        : { pointer: where, message: 'matches none of its allowed forms', code: 'schema', atKey: false };
    case 'pattern':
      return {
        pointer: where,
        message: `must match the pattern ${String(params.pattern)}`,
        code: 'not_allowed_value',
        atKey: false,
      };
    default:
      return { pointer: where, message: error.message ?? error.keyword, code: 'schema', atKey: false };
  }
}

function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  if (type === 'null') return 'null';
  return `a ${type}`;
}
