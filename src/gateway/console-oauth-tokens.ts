import { type createRemoteJWKSet, jwtVerify } from 'jose';
import { tokensEqual } from '../guards/http.js';
import type { ConsoleOAuthSettings } from './console-oauth-settings.js';

const EXCHANGE_TIMEOUT_MS = 10_000;
const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;

/** Trades the code for tokens at the token endpoint; the tokens, or why not (for the audit record, not the page). */
export async function exchangeCode(
  settings: ConsoleOAuthSettings,
  code: string,
  verifier: string,
): Promise<{ accessToken: string; idToken: string | undefined } | string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: settings.redirectUri,
    code_verifier: verifier,
    resource: settings.resource,
  });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (settings.clientSecret === undefined) body.set('client_id', settings.clientId);
  else {
    // RFC 6749 §2.3.1: both halves form-urlencoded before they are joined.
    const pair = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  let response: Response;
  let answer: Record<string, unknown>;
  try {
    response = await fetch(settings.tokenEndpoint, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
    });
    const text = await response.text();
    if (text.length > MAX_TOKEN_ANSWER_BYTES) return 'the token endpoint answer is too large';
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return `the token endpoint could not be reached or answered no JSON (${(error as Error).name})`;
  }
  if (!response.ok) {
    const code = typeof answer.error === 'string' ? answer.error.slice(0, 60) : String(response.status);
    return `the token endpoint refused the code (${code})`;
  }
  if (typeof answer.access_token !== 'string' || answer.access_token === '')
    return 'the token endpoint answered no access_token';
  if (typeof answer.token_type !== 'string' || answer.token_type.toLowerCase() !== 'bearer')
    return 'the token endpoint answered a token that is not a Bearer token';
  // A refresh token, if any, is dropped here: the session ends when the access token does.
  return {
    accessToken: answer.access_token,
    idToken: typeof answer.id_token === 'string' ? answer.id_token : undefined,
  };
}

/** With `openid`, the ID token must be the issuer's, for this client, and carry the nonce this login sent. */
export async function nonceProblem(
  settings: ConsoleOAuthSettings,
  keys: ReturnType<typeof createRemoteJWKSet> | undefined,
  idToken: string | undefined,
  nonce: string,
): Promise<string | undefined> {
  if (!idToken || !keys) return 'the token endpoint answered no ID token for an openid sign-in';
  try {
    const { payload } = await jwtVerify(idToken, keys, {
      issuer: settings.issuer,
      audience: settings.clientId,
      requiredClaims: ['exp', 'nonce'],
    });
    if (typeof payload.nonce !== 'string' || !tokensEqual(payload.nonce, nonce))
      return "the ID token's nonce is not the one this login sent";
    return undefined;
  } catch (error) {
    return `the ID token is not valid (${(error as Error).name})`;
  }
}
