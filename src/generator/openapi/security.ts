import { type OpenApiDocument, resolveOpenApiRef } from '../../toolkit/openapi.js';
import { isObject } from './json.js';
import { envPart } from './names.js';

export type SchemeSettings =
  | { readonly type: 'apiKey'; readonly in: 'header' | 'query'; readonly name: string; readonly env: string }
  | { readonly type: 'bearer'; readonly env: string }
  | { readonly type: 'basic'; readonly usernameEnv: string; readonly passwordEnv: string };

/** A supported scheme's settings, or why it is not supported. */
export type SchemeVerdict = SchemeSettings | { readonly unsupported: string };

/** A header name as HTTP allows it (a token). */
export const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** Headers the client and the credentials own: a spec may not make them arguments or API-key headers. */
export const RESERVED_HEADERS = new Set([
  'host',
  'authorization',
  'cookie',
  'proxy-authorization',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'user-agent',
]);

/**
 * The document's security schemes the generator supports: API keys in a header or the query, HTTP bearer and
 * basic. Each secret is read from an environment variable named `<prefix>_<SCHEME>` (basic: `_USERNAME`,
 * `_PASSWORD`); OAuth 2, OpenID Connect, mutual TLS, cookies and other HTTP schemes are named as unsupported.
 */
export function readSchemes(doc: OpenApiDocument, prefix: string): Map<string, SchemeVerdict> {
  const declared = doc.components?.securitySchemes;
  const schemes = new Map<string, SchemeVerdict>();
  const taken = new Set<string>();
  const envFor = (name: string) => {
    const base = `${prefix}_${envPart(name) || 'SCHEME'}`;
    let env = base;
    for (let n = 2; taken.has(env); n++) env = `${base}_${n}`;
    taken.add(env);
    return env;
  };
  for (const [name, raw] of Object.entries(isObject(declared) ? declared : {})) {
    const scheme = resolveOpenApiRef(doc, raw);
    if (!isObject(scheme)) {
      schemes.set(name, { unsupported: 'it is not an object' });
      continue;
    }
    schemes.set(
      name,
      readScheme(scheme, () => envFor(name)),
    );
  }
  return schemes;
}

function readScheme(scheme: Record<string, unknown>, env: () => string): SchemeVerdict {
  if (scheme.type === 'apiKey') {
    const name = scheme.name;
    if (typeof name !== 'string' || name === '') return { unsupported: 'an API key without a name' };
    if (scheme.in === 'query') return { type: 'apiKey', in: 'query', name, env: env() };
    if (scheme.in !== 'header') return { unsupported: `an API key in ${String(scheme.in)}` };
    if (!HEADER_TOKEN.test(name) || RESERVED_HEADERS.has(name.toLowerCase()))
      return {
        unsupported: `an API key in header ${JSON.stringify(name)}, which is not a header it may set`,
      };
    return { type: 'apiKey', in: 'header', name, env: env() };
  }
  if (scheme.type === 'http' && typeof scheme.scheme === 'string') {
    const kind = scheme.scheme.toLowerCase();
    if (kind === 'bearer') return { type: 'bearer', env: env() };
    if (kind === 'basic') {
      const base = env();
      return { type: 'basic', usernameEnv: `${base}_USERNAME`, passwordEnv: `${base}_PASSWORD` };
    }
    return { unsupported: `HTTP ${kind} authentication` };
  }
  return { unsupported: `${String(scheme.type)} authentication` };
}

/**
 * An operation's security as alternatives of scheme names (an empty alternative: no credentials needed, kept
 * last so that configured credentials are preferred), or why none of its alternatives can be met.
 */
export function readSecurity(
  requirements: unknown,
  schemes: ReadonlyMap<string, SchemeVerdict>,
): { alternatives: string[][]; dropped: string[] } | { refused: string } {
  if (!Array.isArray(requirements) || requirements.length === 0) return { alternatives: [], dropped: [] };
  const usable: string[][] = [];
  const dropped: string[] = [];
  let anonymous = false;
  for (const requirement of requirements) {
    const names = isObject(requirement) ? Object.keys(requirement) : [];
    if (names.length === 0) {
      anonymous = true;
      continue;
    }
    const problem = names
      .map((n) => {
        const verdict = schemes.get(n);
        if (!verdict) return `scheme ${JSON.stringify(n)} is not declared`;
        return 'unsupported' in verdict
          ? `scheme ${JSON.stringify(n)} (${verdict.unsupported}) is not supported`
          : undefined;
      })
      .find((p) => p !== undefined);
    if (problem) dropped.push(problem);
    else usable.push(names);
  }
  if (anonymous && usable.length > 0) usable.push([]);
  if (anonymous && usable.length === 0) return { alternatives: [], dropped };
  if (usable.length === 0) return { refused: `its security cannot be met: ${dropped.join('; ')}` };
  return { alternatives: usable, dropped };
}
