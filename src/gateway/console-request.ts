import { tokensEqual } from '../guards/http.js';
import { consoleJson } from './console-headers.js';
import type { ConsoleSession, ConsoleSessions } from './console-session.js';

/** The header the app sends the session's CSRF token in; a cross-origin page cannot set it without CORS. */
export const CSRF_HEADER = 'x-rampart-csrf';
/** Over https the cookie takes the __Host- prefix: Secure, Path=/ and no Domain, enforced by the browser. */
export const SESSION_COOKIE = { http: 'rampart-console', https: '__Host-rampart-console' } as const;

/** A console refusal: `{ error, error_description }`, like the gateway's own, never cached. */
export function consoleError(
  status: 400 | 401 | 403 | 404 | 413 | 415 | 429,
  error: string,
  description: string,
) {
  return consoleJson({ error, error_description: description }, status);
}

/** The origins the console is reached at: the one this request was addressed to, and the public one if set. */
function ownOrigins(request: Request, publicOrigin: string | undefined): string[] {
  const own = new URL(request.url).origin;
  return publicOrigin ? [own, publicOrigin] : [own];
}

/**
 * Refuses a request a page of another origin made. Sec-Fetch-Site, where the browser sends it, must say
 * same-origin; Origin must be one of the console's own (scheme, host and port: SameSite=Strict alone does not
 * separate two ports of one host, which are the same site), and must be present on anything but GET and HEAD.
 */
export function crossOriginRefusal(request: Request, publicOrigin: string | undefined): Response | undefined {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') {
    return consoleError(403, 'cross_origin', `refused: the request came from another site (${site})`);
  }
  const origin = request.headers.get('origin');
  if (origin === null) {
    if (request.method === 'GET' || request.method === 'HEAD') return undefined;
    return consoleError(403, 'cross_origin', 'refused: a console request that changes state needs an Origin');
  }
  if (!ownOrigins(request, publicOrigin).includes(origin)) {
    return consoleError(
      403,
      'cross_origin',
      `refused: requests from ${origin.slice(0, 200)} are not the console's`,
    );
  }
  return undefined;
}

/** The session id in the request's cookie, if it carries one. */
export function sessionIdOf(request: Request): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    // The __Host- cookie wins over a plain one another page of the site might have planted.
    if (name === SESSION_COOKIE.https) return value.join('=');
    if (name === SESSION_COOKIE.http) found = value.join('=');
  }
  return found;
}

/**
 * The session a console request belongs to, or the refusal: same origin, a live session cookie, and the
 * session's CSRF token in the header.
 */
export function sessionOf(
  request: Request,
  sessions: ConsoleSessions,
  publicOrigin: string | undefined,
): ConsoleSession | Response {
  const crossOrigin = crossOriginRefusal(request, publicOrigin);
  if (crossOrigin) return crossOrigin;
  const id = sessionIdOf(request);
  const session = id ? sessions.find(id) : undefined;
  if (!session) {
    return consoleError(
      401,
      'invalid_session',
      'not signed in, or the console session has ended; sign in again',
    );
  }
  const csrf = request.headers.get(CSRF_HEADER);
  if (!csrf || !tokensEqual(csrf, session.csrfToken)) {
    return consoleError(
      403,
      'csrf',
      `refused: the ${CSRF_HEADER} header is missing or is not this session's`,
    );
  }
  return session;
}
