import {
  type AuthInfo,
  getOAuthProtectedResourceMetadataUrl,
  requireBearerAuth,
} from '@modelcontextprotocol/server';
import { bearerToken, tokensEqual } from '../guards/http.js';
import { RAMPART_SCOPES } from '../guards/scopes.js';
import { createJwtVerifier, type OAuthSettings } from './oauth.js';

/** How the gateway decides who is calling. */
export interface Authenticator {
  /**
   * The caller's verified identity, or the refusal to send (401 with a Bearer challenge; 403 when the token
   * holds no Rampart scope). `mount` is the server the request is for, or undefined for /metrics.
   */
  authenticate(request: Request, mount: string | undefined): Promise<AuthInfo | Response>;
  /** The RFC 9728 protected-resource metadata document this request asks for, if it asks for one. */
  discovery(request: Request): Response | undefined;
}

function refusal(status: 401, error: string, description: string, challenge: string): Response {
  return Response.json(
    { error, error_description: description },
    { status, headers: { 'www-authenticate': challenge } },
  );
}

/** Local mode: one random token, compared in constant time, that grants every scope. */
export function localAuthenticator(token: string): Authenticator {
  return {
    async authenticate(request) {
      const presented = bearerToken(request.headers.get('authorization'));
      if (!presented) {
        return refusal(
          401,
          'invalid_request',
          'an Authorization: Bearer token is required',
          'Bearer realm="rampart"',
        );
      }
      if (!tokensEqual(presented, token)) {
        return refusal(
          401,
          'invalid_token',
          'the bearer token is not valid',
          'Bearer realm="rampart", error="invalid_token"',
        );
      }
      return { token: presented, clientId: 'local', scopes: [...RAMPART_SCOPES] };
    },
    discovery: () => undefined,
  };
}

export interface OAuthAuthenticatorOptions {
  readonly settings: OAuthSettings;
  readonly jwksUri: string;
  /** The gateway's public base URL (the protected resource), without a trailing slash. */
  readonly resource: string;
  /** aud values accepted for every server, besides the resource URL and the server's own URL. */
  readonly audiences: readonly string[];
  readonly mounts: readonly string[];
  readonly onServerError?: (error: unknown) => void;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * OAuth mode: the gateway is an OAuth 2.1 resource server. The gateway as a whole, and each server at
 * /mcp/<name>, is a protected resource with its own RFC 9728 document; a token is accepted for a server when its
 * audience is the gateway, that server, or a configured extra audience. Every request needs at least `read`.
 */
export function oauthAuthenticator(options: OAuthAuthenticatorOptions): Authenticator {
  const verifierFor = createJwtVerifier(options);
  const resourceOf = (mount: string | undefined) =>
    new URL(mount === undefined ? options.resource : `${options.resource}/mcp/${mount}`);

  const gates = new Map<string, (request: Request) => Promise<AuthInfo | Response>>();
  for (const mount of [undefined, ...options.mounts]) {
    const resource = resourceOf(mount);
    const audiences = [options.resource, `${options.resource}/`, ...options.audiences];
    if (mount !== undefined) audiences.push(resource.href);
    gates.set(
      mount ?? '',
      requireBearerAuth({
        verifier: verifierFor(audiences, resource),
        requiredScopes: ['read'],
        resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resource),
      }),
    );
  }

  const documents = new Map<string, string>();
  for (const mount of [undefined, ...options.mounts]) {
    const resource = resourceOf(mount);
    const path = new URL(getOAuthProtectedResourceMetadataUrl(resource)).pathname;
    documents.set(
      path,
      JSON.stringify({
        resource: mount === undefined ? options.resource : resource.href,
        authorization_servers: [options.settings.issuer],
        scopes_supported: [...RAMPART_SCOPES],
        bearer_methods_supported: ['header'],
        resource_name: mount === undefined ? 'Rampart gateway' : `Rampart ${mount}`,
      }),
    );
  }

  return {
    async authenticate(request, mount) {
      const gate = gates.get(mount ?? '');
      // Unknown servers are answered 404 before authentication; this is only reached for known ones.
      if (!gate) throw new Error(`no authentication gate for ${mount}`);
      return gate(request);
    },
    discovery(request) {
      const path = new URL(request.url).pathname.replace(/\/$/, '');
      if (!path.startsWith(WELL_KNOWN)) return undefined;
      const document = documents.get(path);
      if (!document) return undefined;
      return new Response(document, {
        headers: {
          'content-type': 'application/json',
          'cache-control': 'max-age=300',
          'access-control-allow-origin': '*',
        },
      });
    },
  };
}
