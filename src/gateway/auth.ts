import {
  type AuthInfo,
  getOAuthProtectedResourceMetadataUrl,
  requireBearerAuth,
} from '@modelcontextprotocol/server';
import { bearerToken, tokensEqual } from '../guards/http.js';
import { RAMPART_SCOPES } from '../guards/scopes.js';
import { MOUNT_NAME } from './config.js';
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
 *
 * A name that could be mounted but is not is answered exactly like a mounted one (its own document, its own
 * 401 challenge), so that neither the documents nor the challenges tell an unauthenticated caller what is
 * mounted; only a caller with a valid token learns, from a 404, that nothing is there.
 */
export function oauthAuthenticator(options: OAuthAuthenticatorOptions): Authenticator {
  const verifierFor = createJwtVerifier(options);
  const resourceOf = (mount: string | undefined) =>
    new URL(mount === undefined ? options.resource : `${options.resource}/mcp/${mount}`);
  // Names that can never be mounted get the gateway's own challenge: answering them reveals nothing.
  const asResource = (mount: string | undefined) =>
    mount !== undefined && MOUNT_NAME.test(mount) ? mount : undefined;

  const gateOf = (mount: string | undefined) => {
    const resource = resourceOf(mount);
    const audiences = [options.resource, `${options.resource}/`, ...options.audiences];
    if (mount !== undefined) audiences.push(resource.href);
    return requireBearerAuth({
      verifier: verifierFor(audiences, resource),
      requiredScopes: ['read'],
      resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resource),
    });
  };
  const gates = new Map([undefined, ...options.mounts].map((mount) => [mount ?? '', gateOf(mount)]));

  const documentOf = (mount: string | undefined) =>
    JSON.stringify({
      resource: mount === undefined ? options.resource : resourceOf(mount).href,
      authorization_servers: [options.settings.issuer],
      scopes_supported: [...RAMPART_SCOPES],
      bearer_methods_supported: ['header'],
      resource_name: mount === undefined ? 'Rampart gateway' : `Rampart ${mount}`,
    });
  const rootDocument = new URL(getOAuthProtectedResourceMetadataUrl(resourceOf(undefined))).pathname.replace(
    /\/$/,
    '',
  );
  const mountDocument = new URL(getOAuthProtectedResourceMetadataUrl(resourceOf('name'))).pathname.replace(
    /name$/,
    '',
  );

  return {
    async authenticate(request, mount) {
      const name = asResource(mount);
      // Unmounted names get a gate made for the request (cheap: the key set is shared), never kept.
      const gate = gates.get(name ?? '') ?? gateOf(name);
      return gate(request);
    },
    discovery(request) {
      const path = new URL(request.url).pathname.replace(/\/$/, '');
      if (!path.startsWith(WELL_KNOWN)) return undefined;
      let document: string | undefined;
      if (path === rootDocument) document = documentOf(undefined);
      else if (path.startsWith(mountDocument)) {
        const name = asResource(path.slice(mountDocument.length));
        if (name !== undefined) document = documentOf(name);
      }
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
