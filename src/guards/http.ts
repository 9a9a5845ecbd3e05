import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Pure decisions for the HTTP transport: credentials and bind addresses. */

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i.exec(header);
  return match?.[1];
}

/** Compares a presented token with the expected one in time that does not depend on where they differ. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Compare equal-length buffers always, so the length check does not short-circuit the timing.
  const same = timingSafeEqual(a.length === b.length ? a : b, b);
  return a.length === b.length && same;
}

const QUERY_CREDENTIALS = new Set([
  'access_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'auth',
  'authorization',
  'bearer',
]);

/** The query parameter that carries a credential, if any: tokens in URLs end up in logs and histories. */
export function credentialInQuery(url: URL): string | undefined {
  for (const name of url.searchParams.keys()) if (QUERY_CREDENTIALS.has(name.toLowerCase())) return name;
  return undefined;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackBind(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.split('.')[0] === '127';
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}
