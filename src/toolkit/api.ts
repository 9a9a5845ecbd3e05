import { z } from 'zod';
import { ConfigError } from '../core/config.js';
import { Refusal } from '../core/errors.js';
import { checkUrl, parseRanges } from '../guards/net.js';
import type { Resolver } from '../guards/net-dial.js';
import { type ClientPolicy, GuardedClient } from '../servers/http/client.js';
import { httpConfigSchema } from '../servers/http/config.js';
import { type CredentialConfig, Credentials } from '../servers/http/credentials.js';
import { buildRequest, type Operation } from '../servers/http/openapi/operations.js';
import { type operationOutput, operationResult } from '../servers/http/openapi/tools.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

const schemeSettings = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('apiKey'),
      in: z.enum(['header', 'query']),
      name: z.string().min(1),
      env: envName,
    })
    .strict(),
  z.object({ type: z.literal('bearer'), env: envName }).strict(),
  z.object({ type: z.literal('basic'), usernameEnv: envName, passwordEnv: envName }).strict(),
]);

const clientSettings = z.looseObject({
  baseUrl: z.string().min(1),
  allowHosts: z.array(z.string().min(1)).min(1),
  schemes: z.record(z.string(), schemeSettings).default({}),
});

export const operationSettings = z.looseObject({
  method: z.enum(METHODS),
  path: z.string().startsWith('/'),
  title: z.string(),
  description: z.string(),
  parameters: z.array(
    z.object({ name: z.string().min(1), in: z.enum(['path', 'query', 'header']), arg: z.string().min(1) }),
  ),
  body: z.boolean(),
  security: z.array(z.array(z.string())),
});

/** How an API is reached: the generated `src/api.json` holds these (and more, which is ignored here). */
export interface ApiClientSettings {
  readonly baseUrl: string;
  /** Hosts calls may reach (exact, or `*.suffix`): the spec's servers unless the operator says otherwise. */
  readonly allowHosts: readonly string[];
  /**
   * Credential schemes by name, each `{ type: 'apiKey', in: 'header' | 'query', name, env }`,
   * `{ type: 'bearer', env }` or `{ type: 'basic', usernameEnv, passwordEnv }`: the secret is read from the
   * environment variable named. Typed loosely so that a JSON import fits; checked when the client is made.
   */
  readonly schemes?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One operation as `src/api.json` holds it; typed loosely so that a JSON import fits, checked when used. */
export interface ApiOperationSettings {
  readonly method: string;
  readonly path: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: readonly { readonly name: string; readonly in: string; readonly arg: string }[];
  readonly body: boolean;
  /** Alternatives, each the schemes it needs together; empty: no credentials needed. */
  readonly security: readonly (readonly string[])[];
}

export interface ApiClientOptions {
  /** Overrides the settings' base URL (a staging server, say); its host must be allowed. */
  readonly baseUrl?: string;
  readonly allowHosts?: readonly string[];
  /** Non-public ranges (CIDR) the API may resolve to, for an internal API; refused otherwise. */
  readonly allowPrivate?: readonly string[];
  /** Where credentials are read from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly maxResponseBytes?: number;
  readonly totalTimeoutMs?: number;
  /** Stands in for DNS (tests). */
  readonly resolver?: Resolver;
}

export type OperationResult = z.output<typeof operationOutput>;

/** Credentials for several schemes at once (an operation may need an API key and a token together). */
class CombinedCredentials extends Credentials {
  constructor(private readonly parts: readonly Credentials[]) {
    super([]);
  }

  override apply(url: URL, headers: Record<string, string>): URL {
    return this.parts.reduce((next, part) => part.apply(next, headers), url);
  }

  override scrub(text: string): string {
    return this.parts.reduce((next, part) => part.scrub(next), text);
  }

  override hosts(): string[] {
    return this.parts.flatMap((part) => part.hosts());
  }
}

function invalid(where: string, error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  return new ConfigError(
    `${where}${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message}`,
  );
}

/**
 * The way a generated API server leaves the machine: the guarded client (URL and every resolved address checked,
 * the checked address dialled, redirects re-checked, declared headers checked for CR/LF, sizes capped, a
 * deadline), credentials read from the environment and added only for the base URL's host, and only those an
 * operation's security requirement names.
 */
export class ApiClient {
  readonly baseUrl: URL;
  private readonly policy: ClientPolicy;
  private readonly permitted;
  private readonly schemes = new Map<string, Credentials>();
  private readonly missing = new Map<string, string>();
  private readonly clients = new Map<string, GuardedClient>();
  private readonly scrubber: Credentials;

  constructor(
    settings: ApiClientSettings,
    private readonly options: ApiClientOptions = {},
  ) {
    const parsed = clientSettings.safeParse(settings);
    if (!parsed.success) throw invalid('api settings', parsed.error);
    const allowHosts = options.allowHosts ?? parsed.data.allowHosts;
    // An empty list would mean "any public host" to the guard; an API client's boundary is its API's hosts.
    if (allowHosts.length === 0)
      throw new ConfigError("allowHosts: list the API's hosts; it may not be empty");
    const config = httpConfigSchema.safeParse({
      allowHosts,
      allowPrivate: options.allowPrivate ?? [],
      allowMethods: [...METHODS],
      ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
      ...(options.totalTimeoutMs !== undefined ? { totalTimeoutMs: options.totalTimeoutMs } : {}),
    });
    if (!config.success) throw invalid('api options', config.error);
    this.policy = config.data;
    const ranges = parseRanges(config.data.allowPrivate);
    if (!ranges.ok) throw new ConfigError(`allowPrivate: ${ranges.reason}`);
    this.permitted = ranges.value;
    const base = options.baseUrl ?? parsed.data.baseUrl;
    const verdict = checkUrl(base, this.policy, this.permitted);
    if (!verdict.ok) throw new ConfigError(`base URL "${base}" refused: ${verdict.reason}`);
    this.baseUrl = verdict.value.url;
    const env = options.env ?? process.env;
    for (const [name, scheme] of Object.entries(parsed.data.schemes)) {
      const config = credentialFor(scheme, this.baseUrl.host, env);
      if (typeof config === 'string') this.missing.set(name, config);
      else this.schemes.set(name, new Credentials([config], env));
    }
    this.scrubber = new CombinedCredentials([...this.schemes.values()]);
  }

  /** Makes the operation's request with validated arguments and returns the response as the model sees it. */
  async call(
    operation: Operation,
    security: readonly (readonly string[])[],
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<OperationResult> {
    const request = buildRequest(operation, this.baseUrl, args);
    const response = await this.clientFor(operation.tool, security).send({
      url: request.url,
      method: operation.method,
      declaredHeaders: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal,
    });
    return operationResult(response, this.scrubber);
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }

  /** One client (connection pool) per set of schemes, so a credential goes only where an operation needs it. */
  private clientFor(tool: string, security: readonly (readonly string[])[]): GuardedClient {
    const chosen =
      security.length === 0
        ? []
        : security.find((alternative) => alternative.every((s) => this.schemes.has(s)));
    if (!chosen) {
      const needs = security.map((alternative) =>
        alternative.map((s) => this.missing.get(s) ?? s).join(' and '),
      );
      throw new Refusal(`${tool} needs credentials the server was not given: set ${needs.join(', or ')}`);
    }
    const key = [...chosen].sort().join('\n');
    let client = this.clients.get(key);
    if (!client) {
      const credentials = new CombinedCredentials(chosen.map((s) => this.schemes.get(s) as Credentials));
      client = new GuardedClient(this.policy, this.permitted, credentials, this.options.resolver);
      this.clients.set(key, client);
    }
    return client;
  }
}

/** The credential for one scheme on `host`, or the names of the variables still to set. */
function credentialFor(
  scheme: z.output<typeof schemeSettings>,
  host: string,
  env: Readonly<Record<string, string | undefined>>,
): CredentialConfig | string {
  const set = (name: string) => (env[name] ?? '') !== '';
  if (scheme.type === 'basic') {
    if (!set(scheme.usernameEnv) || !set(scheme.passwordEnv))
      return `${scheme.usernameEnv} and ${scheme.passwordEnv}`;
    return {
      host,
      basic: { username: env[scheme.usernameEnv] as string, password: { env: scheme.passwordEnv } },
    };
  }
  if (!set(scheme.env)) return scheme.env;
  if (scheme.type === 'bearer') return { host, bearer: { env: scheme.env } };
  return {
    host,
    apiKey: {
      ...(scheme.in === 'header' ? { header: scheme.name } : { query: scheme.name }),
      key: { env: scheme.env },
    },
  };
}

/** A client for the API the settings describe, with the operator's overrides. */
export function openApiClient(settings: ApiClientSettings, options: ApiClientOptions = {}): ApiClient {
  return new ApiClient(settings, options);
}
