import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credential {
  /** Basic auth user name; absent for a bearer token. */
  readonly user?: string;
  readonly secret: string;
  /** May read and test compatibility, but not register, delete or change settings. */
  readonly readOnly: boolean;
}

export type AuthMode = 'none' | 'basic' | 'bearer';

export type AuthOutcome = { ok: true; readOnly: boolean } | { ok: false };

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Checks an Authorization header against the configured credentials, in constant time per credential. */
export function authenticate(
  mode: AuthMode,
  credentials: readonly Credential[],
  header: string | undefined,
): AuthOutcome {
  if (mode === 'none') return { ok: true, readOnly: false };
  if (!header) return { ok: false };
  if (mode === 'bearer') {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return { ok: false };
    const found = credentials.find((c) => c.user === undefined && same(c.secret, token));
    return found ? { ok: true, readOnly: found.readOnly } : { ok: false };
  }
  const encoded = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (!encoded) return { ok: false };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { ok: false };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const found = credentials.find(
    (c) => c.user !== undefined && same(c.user, user) && same(c.secret, password),
  );
  return found ? { ok: true, readOnly: found.readOnly } : { ok: false };
}
