import ipaddr from 'ipaddr.js';

/**
 * Pure decisions for outbound HTTP (SSRF): which URLs may be requested and which resolved addresses may be
 * dialled. Nothing here performs I/O; `net-dial.ts` applies these decisions at connect time.
 */

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface NetPolicy {
  /**
   * Hosts that may be requested: exact names or IP literals, or `*.suffix` for any subdomain of suffix (not the
   * suffix itself). Empty: any host, as long as every address it resolves to is public.
   */
  readonly allowHosts: readonly string[];
  /** CIDR ranges of non-public addresses the operator permits (an internal API, say). */
  readonly allowPrivate: readonly string[];
}

export type Verdict<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Verdict<T> => ({ ok: true, value });
const refuse = <T>(reason: string): Verdict<T> => ({ ok: false, reason });

/**
 * Cloud metadata services: never reachable through a wider permitted range, only when the operator permits
 * that single address.
 */
const METADATA = new Set(
  ['169.254.169.254', '169.254.170.2', '169.254.169.253', 'fd00:ec2::254', '100.100.100.200'].map((text) =>
    ipaddr.parse(text).toNormalizedString(),
  ),
);

/** A host as compared against the allowlist: lower case, no trailing dot, IPv6 without brackets. */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** An allowlist entry, checked when the policy is made so that a typo fails at start, not at call time. */
export function checkAllowEntry(entry: string): string | undefined {
  const e = normalizeHost(entry);
  if (e === '' || e === '*')
    return `"${entry}" is not a host; list hosts, or none to allow every public host`;
  const name = e.startsWith('*.') ? e.slice(2) : e;
  if (name.includes('*')) return `"${entry}": a wildcard is allowed only as a leading "*."`;
  if (ipaddr.isValid(name)) return undefined;
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) return `"${entry}" is not a host name`;
  return undefined;
}

/** Whether `host` (normalized) is on the allowlist. An empty allowlist allows every host. */
export function hostAllowed(host: string, allowHosts: readonly string[]): boolean {
  if (allowHosts.length === 0) return true;
  const h = normalizeHost(host);
  return allowHosts.some((raw) => {
    const entry = normalizeHost(raw);
    if (entry.startsWith('*.')) return h.endsWith(entry.slice(1)) && h.length > entry.length - 1;
    if (ipaddr.isValid(entry) && ipaddr.isValid(h)) return sameAddress(ipaddr.parse(entry), ipaddr.parse(h));
    return h === entry;
  });
}

function sameAddress(a: Address, b: Address): boolean {
  const x = unwrapMapped(a);
  const y = unwrapMapped(b);
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries. */
function unwrapMapped(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

export interface PermittedRange {
  readonly text: string;
  readonly range: [Address, number];
}

/** Parses the operator's permitted ranges; a bad one is named. */
export function parseRanges(ranges: readonly string[]): Verdict<PermittedRange[]> {
  const parsed: PermittedRange[] = [];
  for (const text of ranges) {
    try {
      const range = text.includes('/') ? ipaddr.parseCIDR(text) : singleAddress(text);
      parsed.push({ text, range: [unwrapMapped(range[0]), unwrapMappedBits(range)] });
    } catch {
      return refuse(`"${text}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8, 10.1.2.3)`);
    }
  }
  return ok(parsed);
}

function singleAddress(text: string): [Address, number] {
  const address = ipaddr.parse(text);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

function unwrapMappedBits([address, bits]: [Address, number]): number {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? Math.max(0, bits - 96)
    : bits;
}

function inRange(address: Address, [base, bits]: [Address, number]): boolean {
  return address.kind() === base.kind() && address.match(base, bits);
}

/** `address` is already unwrapped from IPv4-mapped form. */
const isMetadata = (address: Address) => METADATA.has(address.toNormalizedString());

/**
 * Whether an address may be dialled: a public unicast address, or one inside a range the operator permitted.
 * Every special-purpose block counts as non-public (loopback, private, link-local, CGNAT, ULA, unspecified,
 * multicast, broadcast, reserved, documentation, and IPv6 forms that carry an IPv4 address: mapped, compatible,
 * 6to4, NAT64, Teredo). A cloud metadata address needs a range that is exactly that address.
 */
export function checkAddress(input: Address, permitted: readonly PermittedRange[]): Verdict<Address> {
  const address = unwrapMapped(input);
  const shown = address.toString();
  if (isMetadata(address)) {
    const exact = permitted.some(
      ({ range }) => range[1] === (address.kind() === 'ipv4' ? 32 : 128) && inRange(address, range),
    );
    return exact ? ok(address) : refuse(`address ${shown} is a cloud metadata endpoint`);
  }
  const range = address.range();
  if (range === 'unicast' && !embedsIPv4(address)) return ok(address);
  if (permitted.some((p) => inRange(address, p.range))) return ok(address);
  return refuse(`address ${shown} is ${describeRange(range, address)}, which is not allowed`);
}

/** IPv4-compatible addresses (::a.b.c.d) are "unicast" to ipaddr.js but carry an IPv4 address all the same. */
function embedsIPv4(address: Address): boolean {
  if (address.kind() !== 'ipv6') return false;
  const parts = (address as ipaddr.IPv6).parts;
  return parts.slice(0, 6).every((p) => p === 0);
}

function describeRange(range: string, address: Address): string {
  const names: Record<string, string> = {
    loopback: 'a loopback address',
    private: 'a private address',
    linkLocal: 'a link-local address',
    carrierGradeNat: 'a carrier-grade NAT address',
    uniqueLocal: 'a unique local (private) IPv6 address',
    unspecified: 'the unspecified address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
    ipv4Mapped: 'an IPv4-mapped address',
    rfc6052: 'a NAT64 address',
    rfc6145: 'an IPv4-translated address',
    '6to4': 'a 6to4 address',
    teredo: 'a Teredo address',
  };
  if (range === 'unicast' && embedsIPv4(address)) return 'an IPv4-compatible address';
  return names[range] ?? `in the special-purpose range "${range}"`;
}

export interface Target {
  readonly url: URL;
  /** The host as compared against the allowlist. */
  readonly host: string;
  /** The address, when the URL names one rather than a host name. */
  readonly literal: Address | undefined;
}

const LOCAL_NAMES = /(^|\.)localhost$/;

/** Whether a host may be requested, before anything is resolved. */
function checkHost(
  host: string,
  policy: NetPolicy,
  permitted: readonly PermittedRange[],
): Verdict<Address | undefined> {
  if (host === '') return refuse('it has no host');
  const literal = ipaddr.isValid(host) ? ipaddr.parse(host) : undefined;
  if (!literal && LOCAL_NAMES.test(host))
    return refuse(`host "${host}" is a local name, which is not allowed`);
  if (!hostAllowed(host, policy.allowHosts))
    return refuse(`host "${host}" is not on the allowlist (${policy.allowHosts.join(', ')})`);
  if (literal) {
    const verdict = checkAddress(literal, permitted);
    if (!verdict.ok) return verdict;
  }
  return ok(literal);
}

/** Host verdicts kept per checker; a policy never changes, so neither does a host's verdict. */
const MAX_CACHED_HOSTS = 1_000;

/**
 * Whether a URL may be requested before anything is resolved: http or https, no user name or password, a host on
 * the allowlist, never `localhost`, and an IP literal (in any spelling the URL parser accepts: decimal, octal,
 * hex, short forms) that is itself allowed. Host names are checked again, address by address, when dialled.
 */
export class UrlChecker {
  private readonly hosts = new Map<string, Verdict<Address | undefined>>();

  constructor(
    private readonly policy: NetPolicy,
    private readonly permitted: readonly PermittedRange[],
  ) {}

  check(raw: string): Verdict<Target> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return refuse('not a valid absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return refuse(`scheme "${url.protocol.slice(0, -1)}" is not allowed; only http and https are`);
    if (url.username !== '' || url.password !== '')
      return refuse('it carries a user name or password (user@host), which is not allowed');
    const host = normalizeHost(url.hostname);
    let verdict = this.hosts.get(host);
    if (!verdict) {
      verdict = checkHost(host, this.policy, this.permitted);
      if (this.hosts.size >= MAX_CACHED_HOSTS) this.hosts.clear();
      this.hosts.set(host, verdict);
    }
    return verdict.ok ? ok({ url, host, literal: verdict.value }) : verdict;
  }
}

/** `UrlChecker.check` without a cache. */
export function checkUrl(
  raw: string,
  policy: NetPolicy,
  permitted: readonly PermittedRange[],
): Verdict<Target> {
  return new UrlChecker(policy, permitted).check(raw);
}

/** Whether two URLs are the same origin for credentials: scheme, host and port. */
export function sameOrigin(a: URL, b: URL): boolean {
  return (
    a.protocol === b.protocol && normalizeHost(a.hostname) === normalizeHost(b.hostname) && a.port === b.port
  );
}

/** A header value that would split the request: CR, LF or NUL. */
export function headerInjection(value: string): boolean {
  return /[\r\n\0]/.test(value);
}
