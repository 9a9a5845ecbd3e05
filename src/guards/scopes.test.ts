import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveScopes, RAMPART_SCOPES, scopesOfClaim } from './scopes.js';

describe('scopesOfClaim', () => {
  it('reads a space-separated string or an array of strings', () => {
    expect(scopesOfClaim('read  write')).toEqual(['read', 'write']);
    expect(scopesOfClaim(['read', 7, 'admin'])).toEqual(['read', 'admin']);
    for (const claim of [undefined, null, 7, { read: true }]) expect(scopesOfClaim(claim)).toEqual([]);
  });
});

describe('effectiveScopes', () => {
  it('widens each scope to the ones it includes', () => {
    expect(effectiveScopes(['read'])).toEqual(['read']);
    expect(effectiveScopes(['write'])).toEqual(['read', 'write']);
    expect(effectiveScopes(['admin'])).toEqual(['read', 'write', 'admin']);
    expect(effectiveScopes(['openid', 'profile'])).toEqual([]);
  });

  it('does not grant a scope to a look-alike name (case, prefix, padding)', () => {
    expect(effectiveScopes(['Admin', 'WRITE', 'admin ', 'readx', 'constructor', '__proto__'])).toEqual([]);
  });

  it('property: never grants more than the strongest Rampart scope named, and always includes it', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...RAMPART_SCOPES), fc.string())), (granted) => {
        const rank = (scope: string) => RAMPART_SCOPES.indexOf(scope as (typeof RAMPART_SCOPES)[number]);
        const strongest = Math.max(-1, ...granted.map(rank));
        const held = effectiveScopes(granted);
        expect(held).toEqual(RAMPART_SCOPES.slice(0, strongest + 1));
      }),
    );
  });

  it('property: the string and the array form of a claim grant the same', () => {
    const scopeToken = fc.stringMatching(/^[!#-[\]-~]{1,12}$/);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...RAMPART_SCOPES), scopeToken)), (scopes) => {
        expect(effectiveScopes(scopesOfClaim(scopes.join(' ')))).toEqual(
          effectiveScopes(scopesOfClaim(scopes)),
        );
      }),
    );
  });

  it('an array element holding several scopes is one unknown scope, not several', () => {
    expect(effectiveScopes(scopesOfClaim(['read admin']))).toEqual([]);
  });
});
