import { ConfigError } from '../core/config.js';
import { assertSecureUrl } from './oauth.js';

async function metadataAt(url: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(5_000),
    headers: { accept: 'application/json' },
    redirect: 'error',
  });
  if (!response.ok) return undefined;
  const body: unknown = await response.json();
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
}

/**
 * The issuer's authorization and token endpoints, from its OpenID Connect discovery document or else its RFC 8414
 * metadata. The document must name exactly this issuer, and both endpoints must be https unless on loopback:
 * the code and the verifier travel to them.
 */
export async function discoverConsoleEndpoints(
  issuer: string,
): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
  const base = assertSecureUrl(issuer, 'oauthIssuer');
  const path = base.pathname.replace(/\/$/, '');
  const problems: string[] = [];
  for (const url of [
    `${base.origin}${path}/.well-known/openid-configuration`,
    `${base.origin}/.well-known/oauth-authorization-server${path}`,
  ]) {
    let metadata: Record<string, unknown> | undefined;
    try {
      metadata = await metadataAt(url);
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
      continue;
    }
    if (!metadata) {
      problems.push(`${url}: no metadata`);
      continue;
    }
    if (metadata.issuer !== issuer)
      throw new ConfigError(`${url} describes issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}`);
    const endpoints: string[] = [];
    for (const name of ['authorization_endpoint', 'token_endpoint'] as const) {
      const value = metadata[name];
      if (typeof value !== 'string')
        throw new ConfigError(`${url} names no ${name}, so the console cannot sign in through ${issuer}`);
      endpoints.push(assertSecureUrl(value, `the issuer metadata ${name}`).href);
    }
    const methods = metadata.code_challenge_methods_supported;
    if (Array.isArray(methods) && !methods.includes('S256'))
      throw new ConfigError(`${issuer} does not support PKCE with S256 (code_challenge_methods_supported)`);
    return { authorizationEndpoint: endpoints[0] as string, tokenEndpoint: endpoints[1] as string };
  }
  throw new ConfigError(`cannot discover the endpoints of ${issuer} (${problems.join('; ')})`);
}
