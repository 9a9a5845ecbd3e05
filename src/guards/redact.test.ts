import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hideUrlPassword, isSecretKey, REDACTED, redactText, redactValue } from './redact.js';

/** Every planted secret starts with this marker, so it cannot turn up anywhere by coincidence. */
const MARK = 'ZQX';

const SECRET_KEYS = [
  'password',
  'Password',
  'PASSWORD',
  'passwd',
  'passphrase',
  'db_password',
  'DB_PASSWORD',
  'token',
  'accessToken',
  'refresh_token',
  'githubToken',
  'apiKey',
  'api_key',
  'api-key',
  'APIKEY',
  'x-api-key',
  'authorization',
  'Authorization',
  'auth',
  'AUTH',
  'authHeader',
  'auth_header',
  'client_secret',
  'clientSecret',
  'secret',
  'cookie',
  'Set-Cookie',
  'credentials',
  'credential',
  'private_key',
  'privateKey',
  'private-key',
  'sessionId',
  'session_id',
  'bearer',
  'signature',
] as const;

const secretKey = fc.constantFrom(...SECRET_KEYS);
const plainKey = fc.oneof(
  fc.constantFrom('name', 'path', 'items', 'data', 'user', 'host', 'count', 'nested', 'author', 'args', 'id'),
  fc.string({ maxLength: 6 }),
);
const secretString = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'),
    minLength: 3,
    maxLength: 20,
  })
  .map((s) => `${MARK}${s}`);
/** What a secret field may hold: a string, a number, or a structure that holds the secret string deeper. */
const secretValue = fc.oneof(
  { weight: 4, arbitrary: secretString },
  { weight: 1, arbitrary: secretString.map((s) => ({ value: s })) },
  { weight: 1, arbitrary: fc.array(secretString, { minLength: 1, maxLength: 3 }) },
);
const plainLeaf = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const { tree } = fc.letrec<{ tree: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, plainLeaf, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 4 }),
  object: fc
    .array(
      fc.oneof(fc.tuple(secretKey, secretValue as fc.Arbitrary<unknown>), fc.tuple(plainKey, tie('tree'))),
      { maxLength: 5 },
    )
    .map((entries) => Object.fromEntries(entries)),
}));

/** Every planted secret string in `value`. */
function plantedSecrets(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.startsWith(MARK)) out.push(value);
  else if (Array.isArray(value)) for (const item of value) plantedSecrets(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) plantedSecrets(item, out);
  }
  return out;
}

/** Wraps `value` in `levels` objects: deep nesting must cut, never leak. */
function nest(value: unknown, levels: number): unknown {
  let out = value;
  for (let i = 0; i < levels; i++) out = { level: out };
  return out;
}

describe('isSecretKey', () => {
  it('recognizes the usual names of secrets', () => {
    for (const key of SECRET_KEYS) expect(isSecretKey(key), key).toBe(true);
  });

  it('leaves ordinary names alone', () => {
    for (const key of ['name', 'path', 'content', 'author', 'size', 'mode', 'authority', 'user', 'edits']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('redactValue', () => {
  it('replaces secret-keyed fields and keeps the rest', () => {
    const input = {
      path: '/tmp/x',
      password: 'hunter2',
      nested: { apiKey: 'abc', keep: 1, items: [{ token: 't' }, 'plain'] },
      cleared: { password: null },
    };
    expect(redactValue(input)).toEqual({
      path: '/tmp/x',
      password: REDACTED,
      nested: { apiKey: REDACTED, keep: 1, items: [{ token: REDACTED }, 'plain'] },
      cleared: { password: null },
    });
  });

  it('redacts numbers and whole structures under a secret key', () => {
    expect(redactValue({ pin: 1, token: 123456, secret: { a: 'b' } })).toEqual({
      pin: 1,
      token: REDACTED,
      secret: REDACTED,
    });
  });

  it('never lets a secret-keyed value reach the output', () => {
    fc.assert(
      fc.property(tree, fc.nat(16), (value, depth) => {
        const input = nest(value, depth);
        const secrets = plantedSecrets(input);
        const output = JSON.stringify(redactValue(input)) ?? '';
        for (const secret of secrets) expect(output).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });

  it('passes strings through redactText', () => {
    expect(redactValue(['see https://u:hunter2@example.com'])).toEqual([
      `see https://${REDACTED}@example.com`,
    ]);
  });

  it('does not change data that holds no secret', () => {
    const clean = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.stringMatching(/^[a-z ]{0,10}$/).filter((s) => !/pass|secret|token|key|bearer|basic/.test(s)),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('name', 'path', 'size', 'items', 'mode'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(clean, (value) => {
        expect(redactValue(value)).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a __proto__ key as data instead of adopting it as the prototype', () => {
    const input = JSON.parse('{"__proto__": {"password": "hunter2", "note": "hidden"}, "a": 1}');
    const output = redactValue(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(output.note).toBeUndefined();
    expect(JSON.stringify(output)).toBe('{"__proto__":{"password":"[REDACTED]","note":"hidden"},"a":1}');
  });

  it('cuts cycles instead of crashing', () => {
    const cyclic: Record<string, unknown> = { name: 'a', password: 'hunter2' };
    cyclic.self = cyclic;
    const list: unknown[] = [1];
    list.push(list);
    expect(redactValue(cyclic)).toEqual({ name: 'a', password: REDACTED, self: '[cycle]' });
    expect(redactValue(list)).toEqual([1, '[cycle]']);
    expect(() => JSON.stringify(redactValue({ a: cyclic, b: list }))).not.toThrow();
  });

  it('cuts very deep structures instead of following them', () => {
    const deep = nest({ token: 'ZQXdeep' }, 5000);
    const output = JSON.stringify(redactValue(deep));
    expect(output).toContain('[too deep]');
    expect(output).not.toContain('ZQXdeep');
  });
});

describe('redactText', () => {
  const filler = fc.stringMatching(/^[a-z ,.]{0,20}$/);
  const safeChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

  it('strips passwords from URL userinfo', () => {
    expect(redactText('git clone https://alice:hunter2@example.com/repo.git')).toBe(
      `git clone https://${REDACTED}@example.com/repo.git`,
    );
    expect(redactText('postgres://app:s3cr3t:x@db:5432/app and redis://:pw123456@cache')).not.toMatch(
      /s3cr3t|pw123456/,
    );
  });

  it('strips any URL password, whatever surrounds it', () => {
    const scheme = fc.constantFrom('http', 'https', 'postgres', 'redis', 'mongodb+srv', 'git+ssh', 'S3');
    const user = fc.stringMatching(/^[A-Za-z0-9._~-]{1,10}$/);
    const password = fc
      .string({ unit: fc.constantFrom(...`${safeChars}!$%^*()_+~.:;,=&?#[]-`), minLength: 4, maxLength: 24 })
      .map((s) => `${MARK}${s}`);
    fc.assert(
      fc.property(filler, scheme, user, password, filler, (before, s, u, p, after) => {
        const out = redactText(`${before} ${s}://${u}:${p}@example.com/path ${after}`);
        expect(out).not.toContain(p);
        expect(out).toContain('@example.com/path');
      }),
      { numRuns: 200 },
    );
  });

  it('strips Bearer, Basic and token authorization values', () => {
    const token = fc
      .string({ unit: fc.constantFrom(...`${safeChars}._~+/=-`), minLength: 5, maxLength: 40 })
      .map((s) => `${MARK}${s}`);
    const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'token', 'Token');
    fc.assert(
      fc.property(filler, scheme, token, (before, s, t) => {
        const out = redactText(`${before} Authorization: ${s} ${t}\n`);
        expect(out).not.toContain(t);
        expect(out).toContain(REDACTED);
      }),
      { numRuns: 200 },
    );
  });

  it('strips JWT-shaped strings', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{5,30}$/);
    fc.assert(
      fc.property(filler, part, part, fc.stringMatching(/^[A-Za-z0-9_-]{0,30}$/), (before, a, b, c) => {
        const jwt = `eyJ${a}.${b}.${c}`;
        const out = redactText(`${before} jwt ${jwt} end`);
        expect(out).not.toContain(`eyJ${a}.${b}`);
        expect(out).toContain(REDACTED);
      }),
      { numRuns: 200 },
    );
  });

  it('strips AWS access key ids', () => {
    expect(redactText('key AKIAIOSFODNN7EXAMPLE here')).toBe(`key ${REDACTED} here`);
  });

  it('strips secret key=value and "key": "value" pairs', () => {
    expect(redactText('password=hunter2&user=bob')).toBe(`password=${REDACTED}&user=bob`);
    expect(redactText('{"apiKey": "abc123", "name": "x"}')).toBe(`{"apiKey": "${REDACTED}", "name": "x"}`);
    expect(redactText('client_secret: xyz; next')).toBe(`client_secret: ${REDACTED}; next`);
    expect(redactText("token='abc'")).toBe(`token='${REDACTED}'`);
  });

  it('strips quoted secret values that contain spaces (passphrases)', () => {
    expect(redactText('{"password": "correct horse battery staple"}')).not.toMatch(/horse|battery|staple/);
    expect(redactText("passphrase = 'correct horse battery'")).not.toMatch(/horse|battery/);
    expect(redactText('{"secret": "a \\"quoted\\" phrase"}')).not.toMatch(/quoted|phrase/);
    const words = fc.array(fc.stringMatching(/^[a-z]{3,8}$/), { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(fc.constantFrom('password', 'secret', 'apiKey', 'token'), words, (key, ws) => {
        const value = `${MARK}${ws.join(' ')}`;
        const out = redactText(JSON.stringify({ [key]: value, other: 'kept' }));
        for (const w of ws) expect(out).not.toContain(` ${w}`);
        expect(out).not.toContain(MARK);
        expect(out).toContain('"other":"kept"');
      }),
      { numRuns: 100 },
    );
  });

  const pemBody = fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{16,64}$/), { minLength: 1, maxLength: 6 });
  const pemType = fc.constantFrom('', 'RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED ', 'DSA ');

  it('strips PEM private keys', () => {
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdEFGH==\n-----END RSA PRIVATE KEY-----';
    expect(redactText(`key:\n${pem}\nafter`)).toBe(`key:\n${REDACTED}\nafter`);
    fc.assert(
      fc.property(filler, pemType, pemBody, filler, (before, type, body, after) => {
        const text = `${before}\n-----BEGIN ${type}PRIVATE KEY-----\n${body.join('\n')}\n-----END ${type}PRIVATE KEY-----\n${after}`;
        const out = redactText(text);
        for (const line of body) expect(out).not.toContain(line);
      }),
      { numRuns: 200 },
    );
  });

  it('strips a PEM private key even when the text before it ends in bearer, basic or token', () => {
    const lead = fc.constantFrom('auth_type: basic', 'my token', 'Bearer', 'use basic', 'token', 'x/token');
    fc.assert(
      fc.property(lead, pemType, pemBody, (before, type, body) => {
        const text = `${before}\n-----BEGIN ${type}PRIVATE KEY-----\n${body.join('\n')}\n-----END ${type}PRIVATE KEY-----\n`;
        const out = redactText(text);
        for (const line of body) expect(out).not.toContain(line);
      }),
      { numRuns: 100 },
    );
  });

  it('strips a PEM private key whose last body line ends in /token', () => {
    const body =
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo/token';
    const out = redactText(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`);
    expect(out).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7');
  });

  it('strips a PEM private key cut short before its END line (a capped log line)', () => {
    const out = redactText('loaded key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(out).toBe(`loaded key ${REDACTED}`);
  });

  it('leaves public keys and certificates alone', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';
    expect(redactText(cert)).toBe(cert);
  });

  it('leaves ordinary text alone', () => {
    const text = 'read 3 files from /home/alice/project; see https://example.com/docs?page=2';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactText on hostile input', () => {
  it('stays linear on long runs that patterns could rescan (ReDoS)', () => {
    const hostile = [
      'a'.repeat(200_000),
      'eyJ-'.repeat(50_000),
      'http://'.repeat(30_000),
      `https://${'u'.repeat(200_000)}`,
      'token '.repeat(30_000),
      'password='.repeat(20_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(5_000),
      '"secret": "'.repeat(15_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      redactText(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(1_000);
    }
  });
});

describe('hideUrlPassword', () => {
  it('never shows the password of a URL, parsable or not', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{8,24}$/),
        fc.constantFrom('redis', 'rediss', 'postgres', 'mysql'),
        (pw, scheme) => {
          const secret = `pw${pw}`;
          expect(hideUrlPassword(`${scheme}://user:${secret}@127.0.0.1:6379/0`)).not.toContain(secret);
          expect(hideUrlPassword(`${scheme}://user:${secret}@[bad host`)).not.toContain(secret);
        },
      ),
    );
    expect(hideUrlPassword('redis://:hunter2@127.0.0.1:1')).toBe('redis://:***@127.0.0.1:1');
  });
});
