import { ConfigError } from '../core/config.js';
import { discoverConsoleEndpoints } from './console-oauth-discovery.js';
import { consoleClientSecret } from './console-oauth-secret.js';

/** The path the authorization server sends the browser back to, under the console's origin. */
export const CALLBACK_PATH = '/console/api/oauth/callback';

/** How the console signs people in through the authorization server (authorization code with PKCE). */
export interface ConsoleOAuthSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** A confidential client's secret (client_secret_basic); a public client sends none. */
  readonly clientSecret?: string | undefined;
  readonly scopes: readonly string[];
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** The issuer's key set, to check an ID token's nonce when `openid` is asked for. */
  readonly jwksUri: string;
  /** The gateway's resource URL, sent as the RFC 8707 resource: the audience the access token must carry. */
  readonly resource: string;
  /** `<console origin>/console/api/oauth/callback`, registered with the authorization server. */
  readonly redirectUri: string;
}

/** The configuration keys the console's OAuth sign-in reads (see gatewayConfigSchema). */
export interface ConsoleOAuthConfig {
  readonly oauthIssuer?: string | undefined;
  readonly oauthConsoleClientId?: string | undefined;
  readonly oauthConsoleClientSecretFile?: string | undefined;
  readonly oauthConsoleScopes: readonly string[];
}

/**
 * At start, before anything is opened: with `oauthConsoleClientId` set, the issuer's endpoints (discovered and
 * checked now, so a wrong issuer fails the start, not a person's sign-in) and the client's secret. The answer
 * completes the settings once the gateway knows its resource URL (which may be the address just bound).
 */
export async function prepareConsoleOAuth(
  config: ConsoleOAuthConfig,
  jwksUri: string | undefined,
  env: Record<string, string | undefined>,
): Promise<((resource: string) => ConsoleOAuthSettings) | undefined> {
  if (config.oauthConsoleClientId === undefined) return undefined;
  if (config.oauthIssuer === undefined || jwksUri === undefined)
    throw new ConfigError('oauthConsoleClientId signs people in through oauthIssuer: set oauthIssuer too');
  const issuer = config.oauthIssuer;
  const clientId = config.oauthConsoleClientId;
  const clientSecret = consoleClientSecret(config.oauthConsoleClientSecretFile, env);
  const endpoints = await discoverConsoleEndpoints(issuer);
  return (resource) => ({
    issuer,
    clientId,
    clientSecret,
    scopes: config.oauthConsoleScopes,
    ...endpoints,
    jwksUri,
    resource,
    redirectUri: `${new URL(resource).origin}${CALLBACK_PATH}`,
  });
}
