import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { checkAddress, checkAllowEntry, checkUrl, hostAllowed, type NetPolicy, parseRanges } from './net.js';

const OPEN: NetPolicy = { allowHosts: [], allowPrivate: [] };
const none = parseRanges([]);
if (!none.ok) throw new Error('unreachable');
const NO_RANGES = none.value;

const octet = fc.integer({ min: 0, max: 255 });

/** Addresses in every non-public IPv4 block, as [a, b, c, d]. */
const internalV4 = fc.oneof(
  fc.tuple(fc.constant(127), octet, octet, octet),
  fc.tuple(fc.constant(10), octet, octet, octet),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
  fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
  fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
  fc.tuple(fc.constant(0), octet, octet, octet),
  fc.tuple(fc.integer({ min: 224, max: 255 }), octet, octet, octet),
);

/** The spellings of an IPv4 address a URL parser accepts, all of which name the same address. */
function spellings([a, b, c, d]: number[]): string[] {
  const n = (((a as number) << 24) >>> 0) + ((b as number) << 16) + ((c as number) << 8) + (d as number);
  return [
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0x${n.toString(16)}`,
    `0${n.toString(8)}`,
    [a, b, c, d].map((x) => `0x${(x as number).toString(16)}`).join('.'),
    [a, b, c, d].map((x) => `0${(x as number).toString(8)}`).join('.'),
    `${a}.${(((b as number) << 16) + ((c as number) << 8) + (d as number)).toString()}`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
  ];
}

describe('net guard: addresses', () => {
  it('refuses every internal IPv4 address, however the URL spells it', () => {
    fc.assert(
      fc.property(internalV4, fc.integer({ min: 1, max: 65535 }), (address, port) => {
        for (const host of spellings(address)) {
          const verdict = checkUrl(`http://${host}:${port}/`, OPEN, NO_RANGES);
          expect(verdict.ok, `http://${host}:${port}/`).toBe(false);
        }
      }),
    );
  });

  it('refuses IPv6 forms that carry an internal IPv4 address (mapped, compatible, 6to4, NAT64)', () => {
    fc.assert(
      fc.property(internalV4, ([a, b, c, d]) => {
        const hex = (x: number, y: number) => ((x << 8) + y).toString(16);
        const v4 = `${hex(a as number, b as number)}:${hex(c as number, d as number)}`;
        for (const text of [`::ffff:${v4}`, `::${v4}`, `2002:${v4}::1`, `64:ff9b::${v4}`]) {
          expect(checkAddress(ipaddr.parse(text), NO_RANGES).ok, text).toBe(false);
        }
      }),
    );
  });

  it('refuses IPv6 loopback, unspecified, link-local, unique local and multicast addresses', () => {
    for (const text of ['::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::5', 'ff02::1', '2001::1']) {
      expect(checkAddress(ipaddr.parse(text), NO_RANGES).ok, text).toBe(false);
    }
  });

  it('allows public unicast addresses', () => {
    for (const text of ['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111', '8.8.8.8']) {
      expect(checkAddress(ipaddr.parse(text), NO_RANGES).ok, text).toBe(true);
    }
  });

  it('allows a private address only inside a range the operator permitted', () => {
    const ranges = parseRanges(['10.20.0.0/16']);
    if (!ranges.ok) throw new Error(ranges.reason);
    fc.assert(
      fc.property(octet, octet, octet, (b, c, d) => {
        const verdict = checkAddress(ipaddr.parse(`10.${b}.${c}.${d}`), ranges.value);
        expect(verdict.ok).toBe(b === 20);
      }),
    );
  });

  it('keeps cloud metadata out of wider permitted ranges', () => {
    const wide = parseRanges(['169.254.0.0/16', '100.64.0.0/10', 'fd00::/8']);
    const exact = parseRanges(['169.254.169.254']);
    if (!wide.ok || !exact.ok) throw new Error('ranges');
    for (const text of ['169.254.169.254', '100.100.100.200', 'fd00:ec2::254']) {
      const verdict = checkAddress(ipaddr.parse(text), wide.value);
      expect(verdict.ok, text).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toMatch(/metadata/);
    }
    expect(checkAddress(ipaddr.parse('169.254.169.254'), exact.value).ok).toBe(true);
  });

  it('names a bad permitted range', () => {
    const verdict = parseRanges(['10.0.0.0/8', '10.0.0/33']);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('"10.0.0/33"') });
  });
});

describe('net guard: URLs and hosts', () => {
  it('refuses schemes other than http and https', () => {
    for (const url of [
      'file:///etc/passwd',
      'gopher://x.test/',
      'data:text/plain,hi',
      'ftp://x.test/',
      'ws://x.test/',
    ]) {
      const verdict = checkUrl(url, OPEN, NO_RANGES);
      expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/scheme/) });
    }
  });

  it('refuses user names and passwords in URLs', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.]{1,12}$/), (user) => {
        expect(checkUrl(`http://${user}@example.com/`, OPEN, NO_RANGES).ok).toBe(false);
        expect(checkUrl(`http://${user}:pw@example.com/`, OPEN, NO_RANGES).ok).toBe(false);
      }),
    );
  });

  it('refuses localhost and every *.localhost name, with or without a trailing dot', () => {
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'a.localhost', 'x.y.localhost.']) {
      expect(checkUrl(`http://${host}/`, OPEN, NO_RANGES).ok, host).toBe(false);
    }
  });

  it('matches *.suffix only on subdomains, never on look-alikes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,2}$/), (host) => {
        const allowed = hostAllowed(host, ['*.example.com']);
        expect(allowed).toBe(host.endsWith('.example.com'));
        expect(hostAllowed(`${host}.example.com`, ['*.example.com'])).toBe(true);
        expect(hostAllowed(`${host}example.com`, ['*.example.com'])).toBe(false);
        expect(hostAllowed(`example.com.${host}`, ['*.example.com'])).toBe(false);
      }),
    );
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('API.Example.com.', ['api.example.com'])).toBe(true);
  });

  it('holds every host to a non-empty allowlist, IP literals included', () => {
    const policy = { allowHosts: ['api.example.com'], allowPrivate: [] };
    expect(checkUrl('https://api.example.com/x', policy, NO_RANGES).ok).toBe(true);
    expect(checkUrl('https://other.example.com/x', policy, NO_RANGES).ok).toBe(false);
    expect(checkUrl('https://93.184.215.14/x', policy, NO_RANGES).ok).toBe(false);
  });

  it('names bad allowlist entries', () => {
    expect(checkAllowEntry('*')).toMatch(/not a host/);
    expect(checkAllowEntry('a.*.com')).toMatch(/wildcard/);
    expect(checkAllowEntry('exa mple.com')).toMatch(/not a host name/);
    expect(checkAllowEntry('*.example.com')).toBeUndefined();
    expect(checkAllowEntry('10.0.0.1')).toBeUndefined();
  });
});
