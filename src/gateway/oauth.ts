import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import { createRemoteJWKSet, type JWTPayload, errors as jose, jwtVerify } from 'jose';
import { ConfigError } from '../core/config.js';
import { isLoopbackBind } from '../guards/http.js';
import { effectiveScopes, scopesOfClaim } from '../guards/scopes.js';

export interface OAuthSettings {
  readonly issuer: string;
  readonly jwksUri?: string | undefined;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
}

const DISCOVERY_TIMEOUT_MS = 5_000;

/** An issuer, or a key set URL, must be https unless it is on this machine (tests, a local IdP). */
export function assertSecureUrl(value: string, what: string): URL {
  const url = new URL(value);
  if (url.protocol !== 'https:' && !isLoopbackBind(url.hostname)) {
    throw new ConfigError(`${what} ${value} must be https (plain http is accepted only on loopback)`);
  }
  if (url.search || url.hash) throw new ConfigError(`${what} ${value} must not have a query or fragment`);
  return url;
}

async function fetchMetadata(url: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    headers: { accept: 'application/json' },
    redirect: 'error',
  });
  if (!response.ok) return undefined;
  const body: unknown = await response.json();
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
}

/**
 * The issuer's metadata: its OpenID Connect discovery document or else its RFC 8414 metadata, whichever answers
 * first. The document must name exactly this issuer (RFC 8414 §3.3), so a document served for another issuer is
 * never trusted: that is refused with `named` after "not", and no answer at all with `unreachable(problems)`.
 */
export async function issuerMetadata(
  issuer: string,
  refusals: { readonly named: string; readonly unreachable: (problems: string) => string },
): Promise<{ url: string; metadata: Record<string, unknown> }> {
  const base = assertSecureUrl(issuer, 'oauthIssuer');
  const path = base.pathname.replace(/\/$/, '');
  const candidates = [
    `${base.origin}${path}/.well-known/openid-configuration`,
    `${base.origin}/.well-known/oauth-authorization-server${path}`,
  ];
  const problems: string[] = [];
  for (const url of candidates) {
    let metadata: Record<string, unknown> | undefined;
    try {
      metadata = await fetchMetadata(url);
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
      continue;
    }
    if (!metadata) {
      problems.push(`${url}: no metadata`);
      continue;
    }
    if (metadata.issuer !== issuer)
      throw new ConfigError(
        `${url} describes issuer ${JSON.stringify(metadata.issuer)}, not ${refusals.named}`,
      );
    return { url, metadata };
  }
  throw new ConfigError(refusals.unreachable(problems.join('; ')));
}

/** The issuer's jwks_uri, from its metadata (see issuerMetadata). */
export async function discoverJwksUri(issuer: string): Promise<string> {
  const { url, metadata } = await issuerMetadata(issuer, {
    named: `oauthIssuer ${issuer}; refusing its keys`,
    unreachable: (problems) =>
      `cannot discover the signing keys of ${issuer} (${problems}); set oauthJwksUri`,
  });
  if (typeof metadata.jwks_uri !== 'string') throw new ConfigError(`${url} names no jwks_uri`);
  return assertSecureUrl(metadata.jwks_uri, 'the issuer metadata jwks_uri').href;
}

/** Why a token was refused, in words a client developer can act on, without echoing the token. */
function refusal(error: unknown): OAuthError {
  if (error instanceof jose.JWTExpired)
    return new OAuthError(OAuthErrorCode.InvalidToken, 'token has expired');
  if (error instanceof jose.JWTClaimValidationFailed) {
    const reasons: Record<string, string> = {
      aud: 'token was issued for another audience',
      iss: 'token was issued by another issuer',
      nbf: 'token is not valid yet',
      exp: 'token has no expiry',
    };
    return new OAuthError(
      OAuthErrorCode.InvalidToken,
      reasons[error.claim] ?? `token claim ${error.claim} is not valid`,
    );
  }
  if (error instanceof jose.JOSEAlgNotAllowed)
    return new OAuthError(
      OAuthErrorCode.InvalidToken,
      'token is signed with an algorithm that is not accepted',
    );
  if (error instanceof jose.JWSSignatureVerificationFailed)
    return new OAuthError(OAuthErrorCode.InvalidToken, 'token signature is not valid');
  if (error instanceof jose.JWKSNoMatchingKey || error instanceof jose.JWKSMultipleMatchingKeys)
    return new OAuthError(OAuthErrorCode.InvalidToken, 'no signing key of the issuer matches the token');
  if (
    error instanceof jose.JWSInvalid ||
    error instanceof jose.JWTInvalid ||
    error instanceof jose.JOSENotSupported
  )
    return new OAuthError(OAuthErrorCode.InvalidToken, 'token is not a well-formed signed JWT');
  // The key set could not be fetched, or something else went wrong on our side: not the client's fault.
  return new OAuthError(OAuthErrorCode.ServerError, 'the issuer signing keys are unavailable');
}

function clientOf(payload: JWTPayload): string {
  for (const claim of ['client_id', 'azp', 'sub'] as const) {
    const value = payload[claim];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return 'unknown';
}

export interface JwtVerifierOptions {
  readonly settings: OAuthSettings;
  readonly jwksUri: string;
  /** Called when a failure is ours (keys unavailable), so that the operator hears of it. */
  readonly onServerError?: (error: unknown) => void;
}

/**
 * Verifies JWT access tokens (RFC 9068) for a set of accepted audiences: signature against the issuer's key set,
 * issuer, audience, expiry (required) and not-before, with only the configured asymmetric algorithms — so
 * `alg: none` and HMAC-with-the-public-key forgeries are refused before any claim is read.
 */
export function createJwtVerifier(options: JwtVerifierOptions) {
  const keys = createRemoteJWKSet(new URL(options.jwksUri), {
    timeoutDuration: DISCOVERY_TIMEOUT_MS,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  const { settings } = options;
  return function forAudiences(audiences: readonly string[], resource: URL): OAuthTokenVerifier {
    return {
      async verifyAccessToken(token: string): Promise<AuthInfo> {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, keys, {
            issuer: settings.issuer,
            audience: [...audiences],
            algorithms: [...settings.algorithms],
            clockTolerance: settings.clockToleranceSeconds,
            requiredClaims: ['exp'],
          }));
        } catch (error) {
          const refused = refusal(error);
          if (refused.code === OAuthErrorCode.ServerError) options.onServerError?.(error);
          throw refused;
        }
        return {
          token,
          clientId: clientOf(payload),
          scopes: effectiveScopes(scopesOfClaim(payload.scope ?? payload.scp)),
          expiresAt: payload.exp as number,
          resource,
          extra: { subject: payload.sub, issuer: payload.iss },
        };
      },
    };
  };
}
