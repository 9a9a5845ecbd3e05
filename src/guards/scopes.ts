/**
 * Pure decisions about OAuth scopes. Rampart knows three, and each includes the ones below it: a token that may
 * delete may also write, and one that may write may also read.
 */

export const RAMPART_SCOPES = ['read', 'write', 'admin'] as const;
export type RampartScope = (typeof RAMPART_SCOPES)[number];

const IMPLIED: Record<RampartScope, readonly RampartScope[]> = {
  read: ['read'],
  write: ['write', 'read'],
  admin: ['admin', 'write', 'read'],
};

function isRampartScope(scope: string): scope is RampartScope {
  return Object.hasOwn(IMPLIED, scope);
}

/**
 * The scopes a token's `scope` (RFC 9068: one space-separated string) or `scp` (an array, as some issuers send)
 * claim grants. Anything that is neither yields no scopes rather than an error: a malformed claim grants nothing.
 */
export function scopesOfClaim(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter((scope) => scope.length > 0);
  if (Array.isArray(claim)) return claim.filter((scope): scope is string => typeof scope === 'string');
  return [];
}

/** The Rampart scopes held, each widened to the scopes it includes; scopes Rampart does not know are dropped. */
export function effectiveScopes(granted: Iterable<string>): RampartScope[] {
  const held = new Set<RampartScope>();
  for (const scope of granted)
    if (isRampartScope(scope)) for (const implied of IMPLIED[scope]) held.add(implied);
  return RAMPART_SCOPES.filter((scope) => held.has(scope));
}
