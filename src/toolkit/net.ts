import { ConfigError } from '../core/config.js';
import { parseRanges } from '../guards/net.js';
import type { Resolver } from '../guards/net-dial.js';
import { GuardedClient } from '../servers/http/client.js';
import { httpConfigSchema } from '../servers/http/config.js';
import { type CredentialConfig, Credentials } from '../servers/http/credentials.js';

export interface GuardedClientOptions {
  /** Hosts that may be requested (exact, or `*.suffix`); empty: any host whose addresses are all public. */
  readonly allowHosts?: readonly string[];
  /** Non-public ranges (CIDR) the operator permits; loopback, private and metadata addresses are refused otherwise. */
  readonly allowPrivate?: readonly string[];
  readonly allowMethods?: readonly ('GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS')[];
  /** Request headers a caller may set (lower case). */
  readonly allowHeaders?: readonly string[];
  /** Added per host after every check; never shown to the model. Secrets come from env (`valueEnv`). */
  readonly credentials?: readonly CredentialConfig[];
  readonly maxResponseBytes?: number;
  readonly totalTimeoutMs?: number;
  /** Stands in for DNS (tests). */
  readonly resolver?: Resolver;
}

/**
 * The SSRF-proof HTTP client: URL and every resolved address checked, the checked address dialled, redirects
 * re-checked per hop, headers allowlisted, sizes capped while streaming, credentials injected per host.
 */
export function createGuardedClient(options: GuardedClientOptions = {}): GuardedClient {
  const { resolver, ...given } = options;
  const parsed = httpConfigSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.') ?? 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const ranges = parseRanges(config.allowPrivate);
  if (!ranges.ok) throw new ConfigError(`allowPrivate: ${ranges.reason}`);
  return new GuardedClient(config, ranges.value, new Credentials(config.credentials), resolver);
}

export { type CredentialConfig, GuardedClient };
