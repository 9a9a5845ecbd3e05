import { z } from 'zod';
import { ConfigError } from '../../core/config.js';
import { normalizeHost } from '../../guards/net.js';

/** A secret given inline (`value`) or, better, by the name of the environment variable that holds it (`env`). */
const secret = z
  .union([z.object({ env: z.string().min(1) }).strict(), z.object({ value: z.string().min(1) }).strict()])
  .describe('{ env: NAME } to read it from the environment, or { value: "…" }');

export const credentialSchema = z
  .object({
    host: z.string().min(1).describe('The host it is sent to, e.g. api.example.com or api.example.com:8443'),
    bearer: secret.optional().describe('Authorization: Bearer <token>'),
    basic: z
      .object({ username: z.string().min(1), password: secret })
      .strict()
      .optional()
      .describe('Authorization: Basic'),
    apiKey: z
      .object({
        header: z.string().min(1).optional().describe('Sent in this header'),
        query: z.string().min(1).optional().describe('Sent as this query parameter'),
        key: secret,
      })
      .strict()
      .refine(
        (k) => (k.header === undefined) !== (k.query === undefined),
        'give exactly one of header or query',
      )
      .optional()
      .describe('An API key in a header or a query parameter'),
  })
  .strict()
  .refine(
    (c) => [c.bearer, c.basic, c.apiKey].filter((x) => x !== undefined).length === 1,
    'give exactly one of bearer, basic or apiKey',
  );

export type CredentialConfig = z.output<typeof credentialSchema>;

interface Resolved {
  readonly host: string;
  readonly port: string | undefined;
  readonly header?: { readonly name: string; readonly value: string };
  readonly query?: { readonly name: string; readonly value: string };
  /** Every string that must never be shown: the secret and the header value built from it. */
  readonly secrets: readonly string[];
}

function read(source: z.output<typeof secret>, env: NodeJS.ProcessEnv, where: string): string {
  if ('value' in source) return source.value;
  const value = env[source.env];
  if (value === undefined || value === '')
    throw new ConfigError(`${where}: environment variable ${source.env} is not set`);
  return value;
}

function resolve(config: CredentialConfig, env: NodeJS.ProcessEnv): Resolved {
  const [hostPart, port] = splitHostPort(config.host);
  const where = `credentials for ${config.host}`;
  const host = normalizeHost(hostPart);
  if (config.bearer) {
    const token = read(config.bearer, env, where);
    const value = `Bearer ${token}`;
    return { host, port, header: { name: 'authorization', value }, secrets: [token, value] };
  }
  if (config.basic) {
    const password = read(config.basic.password, env, where);
    const encoded = Buffer.from(`${config.basic.username}:${password}`).toString('base64');
    return {
      host,
      port,
      header: { name: 'authorization', value: `Basic ${encoded}` },
      secrets: [password, encoded],
    };
  }
  const apiKey = config.apiKey as NonNullable<CredentialConfig['apiKey']>;
  const key = read(apiKey.key, env, where);
  return apiKey.header
    ? { host, port, header: { name: apiKey.header.toLowerCase(), value: key }, secrets: [key] }
    : { host, port, query: { name: apiKey.query as string, value: key }, secrets: [key] };
}

function splitHostPort(text: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return [bracketed[1] as string, bracketed[2]];
  const parts = text.split(':');
  return parts.length === 2 ? [parts[0] as string, parts[1]] : [text, undefined];
}

/**
 * Credentials added to requests per host, after every check and on every redirect hop for the host it belongs
 * to, so a credential never travels to another host. The model never sees them: they are not in any tool
 * description, and `scrub` takes them out of anything shown.
 */
export class Credentials {
  private readonly entries: readonly Resolved[];

  constructor(configs: readonly CredentialConfig[], env: NodeJS.ProcessEnv = process.env) {
    this.entries = configs.map((c) => resolve(c, env));
  }

  /** The URL to request, with the credential for its host added to `headers` (or its query). */
  apply(url: URL, headers: Record<string, string>): URL {
    const entry = this.entries.find(
      (e) =>
        e.host === normalizeHost(url.hostname) && (e.port === undefined || e.port === effectivePort(url)),
    );
    if (!entry) return url;
    if (entry.header) headers[entry.header.name] = entry.header.value;
    if (!entry.query) return url;
    const withKey = new URL(url);
    withKey.searchParams.set(entry.query.name, entry.query.value);
    return withKey;
  }

  /** Hosts that carry a credential (for start-up messages; never the secret). */
  hosts(): string[] {
    return this.entries.map((e) => (e.port ? `${e.host}:${e.port}` : e.host));
  }

  /** `text` with every secret replaced by a marker: an API that echoes a header back must not leak it. */
  scrub(text: string): string {
    let out = text;
    for (const entry of this.entries)
      for (const s of entry.secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
    return out;
  }
}

function effectivePort(url: URL): string {
  if (url.port !== '') return url.port;
  return url.protocol === 'https:' ? '443' : '80';
}
