import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { checkAllowEntry, checkUrl, hostAllowed, parseRanges, UrlChecker } from '../../src/guards/net.js';
import { fuzzParameters, fuzzTimeoutMs, onlyOwnErrors } from './budget.js';
import { anyText } from './inputs.js';

const never = () => false;

const SCHEME = fc.constantFrom(
  'http://',
  'https://',
  'HTTP://',
  'hTtPs://',
  'ftp://',
  'file://',
  'javascript:',
  '',
  '//',
  'http:\\\\',
);
const USERINFO = fc.constantFrom('', 'user@', 'user:pw@', '@', ':@', 'a%40b@', 'example.com@');
const HOST = fc.oneof(
  fc.constantFrom(
    'example.com',
    'api.example.com',
    'example.com.',
    'EXAMPLE.com',
    'evil-example.com',
    'example.com.evil.net',
    'localhost',
    'LOCALHOST',
    'localhost.',
    'a.localhost',
    'ｌｏｃａｌｈｏｓｔ',
    'xn--80ak6aa92e.com',
    'münchen.de',
    '127.0.0.1',
    '127.1',
    '0x7f.1',
    '0177.0.0.1',
    '2130706433',
    '0',
    '0.0.0.0',
    '10.0.0.1',
    '169.254.169.254',
    '100.100.100.200',
    '192.168.1.1',
    '172.16.0.1',
    '100.64.0.1',
    '8.8.8.8',
    '1.1.1.1',
    '255.255.255.255',
    '[::1]',
    '[::]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::127.0.0.1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::]',
    '[fe80::1]',
    '[fd00::1]',
    '[fd00:ec2::254]',
    '[2001:4860:4860::8888]',
    '[ff02::1]',
    '[2001::1]',
    '%6c%6f%63%61%6c%68%6f%73%74',
    '127.0.0.1%2f',
    'exa mple.com',
    '',
    '[',
    '[::1',
    'a..b',
    '*.example.com',
  ),
  fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.')),
);
const PORT = fc.constantFrom('', ':80', ':8080', ':0', ':65535', ':65536', ':-1', ':x');
const PATH = fc.constantFrom(
  '',
  '/',
  '/a?b=c',
  '#f',
  '/../../etc/passwd',
  '\\@evil.com',
  '?@evil.com',
  '/%00',
);
const url = fc.oneof(
  fc.tuple(SCHEME, USERINFO, HOST, PORT, PATH).map((parts) => parts.join('')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  anyText,
);
const ALLOWLISTS = fc.constantFrom(
  [],
  ['example.com'],
  ['*.example.com'],
  ['127.0.0.1'],
  ['[::1]', 'localhost'],
);

describe('the URL guard on generated and hostile input', () => {
  it(
    'answers every string with a verdict, the same with and without its cache',
    () => {
      fc.assert(
        fc.property(fc.array(url, { minLength: 1, maxLength: 5 }), ALLOWLISTS, (raws, allowHosts) => {
          const policy = { allowHosts, allowPrivate: [] };
          const checker = new UrlChecker(policy, []);
          for (const raw of [...raws, ...raws]) {
            const cached = onlyOwnErrors(() => checker.check(raw), never, 'UrlChecker.check');
            const fresh = onlyOwnErrors(() => checkUrl(raw, policy, []), never, 'checkUrl');
            expect(cached?.ok).toBe(fresh?.ok);
            if (cached && !cached.ok && fresh && !fresh.ok) expect(cached.reason).toBe(fresh.reason);
          }
        }),
        fuzzParameters(1_000),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'accepts only http(s) without credentials, on the allowlist, never a local name or a non-public address',
    () => {
      fc.assert(
        fc.property(url, ALLOWLISTS, (raw, allowHosts) => {
          const verdict = checkUrl(raw, { allowHosts, allowPrivate: [] }, []);
          if (!verdict.ok) {
            expect(verdict.reason.length).toBeGreaterThan(0);
            return;
          }
          const { url: parsed, host, literal } = verdict.value;
          expect(['http:', 'https:']).toContain(parsed.protocol);
          expect(parsed.username + parsed.password).toBe('');
          expect(host).not.toMatch(/(^|\.)localhost$/);
          expect(hostAllowed(host, allowHosts)).toBe(true);
          // An independent reading of the address: with no permitted range, only public unicast passes.
          const bare = parsed.hostname.replace(/^\[|\]$/g, '');
          if (ipaddr.isValid(bare)) {
            expect(literal).toBeDefined();
            expect(ipaddr.process(bare).range()).toBe('unicast');
          }
        }),
        fuzzParameters(2_000),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'reads allowlist entries and permitted ranges from any text without throwing',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            anyText,
            HOST,
            fc.constantFrom('10.0.0.0/8', 'fd00::/8', '::ffff:10.0.0.0/104', '1.2.3.4/33', '/8', '*'),
          ),
          (text) => {
            onlyOwnErrors(() => checkAllowEntry(text), never, 'checkAllowEntry');
            onlyOwnErrors(() => parseRanges([text]), never, 'parseRanges');
            onlyOwnErrors(() => hostAllowed(text, [text, '*.example.com']), never, 'hostAllowed');
          },
        ),
        fuzzParameters(1_000),
      );
    },
    fuzzTimeoutMs(),
  );
});
