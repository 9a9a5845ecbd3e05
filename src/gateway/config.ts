import { z } from 'zod';
import { httpTimeoutOptions } from '../core/http-timeouts.js';
import { SERVER_KIND_NAMES } from '../servers/catalog.js';

/** What a server may be named, and so what may follow /mcp/ in a mounted URL. */
export const MOUNT_NAME = /^[a-z][a-z0-9-]{0,40}$/;

export const serverEntrySchema = z
  .object({
    name: z
      .string()
      .regex(MOUNT_NAME, 'lowercase letters, digits and dashes, starting with a letter')
      .describe('Mounted at /mcp/<name>'),
    kind: z.enum(SERVER_KIND_NAMES).describe('Which Rampart server'),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("The server's own options, as in its section"),
  })
  .strict();

export type ServerEntry = z.output<typeof serverEntrySchema>;

export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export const gatewayConfigSchema = z.object({
  host: z
    .string()
    .default('127.0.0.1')
    .describe('Address to bind; only loopback addresses until OAuth is configured'),
  port: z.number().int().min(0).max(65_535).default(8787).describe('Port to listen on (0 picks a free one)'),
  tokenFile: z
    .string()
    .default('~/.rampart/token')
    .describe('Where the local bearer token is kept (mode 0600)'),
  embeddedRegistry: z
    .boolean()
    .optional()
    .describe(
      'Also start the embedded Schema Registry on loopback (default: on with the default servers, off with a servers list)',
    ),
  embeddedRegistryPort: z
    .number()
    .int()
    .min(0)
    .max(65_535)
    .optional()
    .describe(
      'Port of the embedded Schema Registry (default 8081, and a free one with a warning when 8081 is taken; a port set here must be free)',
    ),
  allowedHosts: z
    .array(z.string())
    .default([])
    .describe('Host header names accepted besides localhost, 127.0.0.1 and [::1] (DNS rebinding protection)'),
  allowedOrigins: z
    .array(z.string())
    .default([])
    .describe('Browser Origin host names accepted besides the loopback ones'),
  maxRequestBytes: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024)
    .describe('Largest request body'),
  rateLimitRequests: z
    .number()
    .int()
    .positive()
    .default(600)
    .describe(
      'JSON-RPC calls one client may make per rate-limit window (each message of a batch is one); more get 429 with Retry-After',
    ),
  rateLimitWindowSeconds: z.number().int().positive().default(60).describe('Length of the rate-limit window'),
  oauthIssuer: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "OAuth 2.1 authorization server (the tokens' iss); setting it turns on OAuth mode in place of the local token",
    ),
  oauthResource: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'Public base URL of this gateway, the resource tokens are issued for; defaults to the URL it listens on',
    ),
  oauthAudiences: z
    .array(z.string().min(1))
    .default([])
    .describe("aud values accepted besides the resource URL and the server's own /mcp/<name> URL"),
  oauthJwksUri: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Where the issuer's signing keys are; discovered from the issuer's metadata when not given"),
  oauthAlgorithms: z
    .array(z.enum(ASYMMETRIC_ALGORITHMS))
    .min(1)
    .default([...ASYMMETRIC_ALGORITHMS])
    .describe(
      'JWS algorithms accepted; asymmetric only, so a public key can never be used as an HMAC secret',
    ),
  oauthClockToleranceSeconds: z
    .number()
    .int()
    .min(0)
    .max(300)
    .default(30)
    .describe('Clock skew allowed when checking exp and nbf'),
  oauthConsoleClientId: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Client id the web console signs people in with through oauthIssuer (authorization code with PKCE); register <console origin>/console/api/oauth/callback as its redirect URI. Without it the console's sign-in page takes a pasted access token",
    ),
  oauthConsoleClientSecretFile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "File (mode 0600) holding the console client's secret, for a confidential client; else RAMPART_OAUTH_CONSOLE_CLIENT_SECRET, else the console is a public client",
    ),
  oauthConsoleScopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'an OAuth scope token'))
    .min(1)
    .default(['read', 'write', 'admin'])
    .describe(
      'Scopes the console asks for when signing in through oauthIssuer (with openid, the ID token nonce is checked too)',
    ),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional()
    .describe('Keep rate-limit counters in Redis, so that every gateway instance shares them'),
  redisKeyPrefix: z
    .string()
    .min(1)
    .default('rampart:ratelimit')
    .describe('Prefix of the rate-limit keys in Redis, so that separate deployments can share one Redis'),
  drainSeconds: z
    .number()
    .positive()
    .max(600)
    .default(10)
    .describe('On shutdown, how long calls in flight may run before their connections are closed'),
  ...httpTimeoutOptions,
  auditLog: z.string().optional().describe('JSONL audit log for every call on every server (mode 0600)'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('stderr log level'),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/**
 * What `rampart serve` mounts when rampart.yaml lists no servers: everything that runs on embedded defaults —
 * fs on the current directory, read-only, db on a demo SQLite database, and, when the embedded Schema Registry
 * runs (at `embeddedRegistryUrl`, wherever it ended up listening), registry over it.
 */
export function defaultServers(cwd: string, embeddedRegistryUrl?: string): ServerEntry[] {
  return [
    { name: 'fs', kind: 'fs', options: { roots: [cwd], readOnly: true } },
    // No url: the db server opens its demo SQLite database, read-only.
    { name: 'db', kind: 'db', options: {} },
    ...(embeddedRegistryUrl
      ? [
          {
            name: 'registry',
            kind: 'registry' as const,
            options: { registries: [{ name: 'embedded', url: embeddedRegistryUrl }] },
          },
        ]
      : []),
  ];
}
