import { z } from 'zod';

export const serverEntrySchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,40}$/, 'lowercase letters, digits and dashes, starting with a letter')
      .describe('Mounted at /mcp/<name>'),
    kind: z.enum(['fs']).describe('Which Rampart server'),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("The server's own options, as in its section"),
  })
  .strict();

export type ServerEntry = z.output<typeof serverEntrySchema>;

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
    .describe('Requests one client may make per rate-limit window; more get 429 with Retry-After'),
  rateLimitWindowSeconds: z.number().int().positive().default(60).describe('Length of the rate-limit window'),
  auditLog: z.string().optional().describe('JSONL audit log for every call on every server (mode 0600)'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('stderr log level'),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** What `rampart serve` mounts when rampart.yaml lists no servers: everything that runs on embedded defaults. */
export function defaultServers(cwd: string): ServerEntry[] {
  return [{ name: 'fs', kind: 'fs', options: { roots: [cwd], readOnly: true } }];
}
