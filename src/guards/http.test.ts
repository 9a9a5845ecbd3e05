import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerToken, credentialInQuery, isLoopbackBind, tokensEqual } from './http.js';

describe('bearerToken', () => {
  it('takes the token of a Bearer header and nothing else', () => {
    expect(bearerToken('Bearer abc.DEF-123_~+/=')).toBe('abc.DEF-123_~+/=');
    expect(bearerToken('bearer abc')).toBe('abc');
    for (const header of [
      undefined,
      null,
      '',
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Token abc',
      'Bearerabc',
    ]) {
      expect(bearerToken(header)).toBeUndefined();
    }
  });

  it('property: never returns a token with whitespace or a comma (no header smuggling)', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const token = bearerToken(header);
        if (token !== undefined) expect(token).toMatch(/^[A-Za-z0-9._~+/=-]+$/);
      }),
    );
  });
});

describe('tokensEqual', () => {
  it('property: equal exactly when the strings are equal', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(tokensEqual(a, b)).toBe(a === b);
        expect(tokensEqual(a, a)).toBe(true);
      }),
    );
  });

  it('refuses a prefix, an extension and an empty token', () => {
    expect(tokensEqual('secret', 'secret-token')).toBe(false);
    expect(tokensEqual('secret-token-x', 'secret-token')).toBe(false);
    expect(tokensEqual('', 'secret-token')).toBe(false);
  });
});

describe('credentialInQuery', () => {
  it('refuses a token in the query string, whatever its case', () => {
    expect(credentialInQuery(new URL('http://127.0.0.1/mcp/fs?access_token=x'))).toBe('access_token');
    expect(credentialInQuery(new URL('http://127.0.0.1/mcp/fs?a=1&Token=x'))).toBe('Token');
    expect(credentialInQuery(new URL('http://127.0.0.1/mcp/fs?cursor=abc'))).toBeUndefined();
  });
});

describe('isLoopbackBind', () => {
  it('accepts only loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackBind(host)).toBe(true);
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.2',
      '::ffff:127.0.0.1',
      'example.com',
      '1.2.3.4',
      '',
    ]) {
      expect(isLoopbackBind(host), host).toBe(false);
    }
  });

  it('property: an IPv4 address is loopback exactly when its first octet is 127', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(isLoopbackBind(ip)).toBe(ip.startsWith('127.'));
      }),
    );
  });
});
