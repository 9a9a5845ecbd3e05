import { ConfigError } from '../core/config.js';
import { assertSecureUrl, issuerMetadata } from './oauth.js';

/**
 * The issuer's authorization and token endpoints, from its metadata as the gateway finds its keys (see
 * issuerMetadata: the document must name exactly this issuer). Both endpoints must be https unless on loopback:
 * the code and the verifier travel to them.
 */
export async function discoverConsoleEndpoints(
  issuer: string,
): Promise<{ authorizationEndpoint: string; tokenEndpoint: string }> {
  const { url, metadata } = await issuerMetadata(issuer, {
    named: issuer,
    unreachable: (problems) => `cannot discover the endpoints of ${issuer} (${problems})`,
  });
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
