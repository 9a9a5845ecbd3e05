/**
 * The console's Content Security Policy. Scripts and styles come only from the gateway's own files (no inline
 * script or style, no eval: the form validator is chosen to need none), nothing may frame the console, and no
 * <base> can redirect its relative URLs. `require-trusted-types-for 'script'` with no policy allowed makes every
 * DOM sink that would parse a string as HTML or script throw, so an injection has nowhere to land even if
 * React's escaping were bypassed.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Headers on every response the console serves: its pages, its files and its API. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A response with the console's headers added (copied when its headers cannot be changed). */
export function withConsoleHeaders(response: Response): Response {
  let target = response;
  try {
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) target.headers.set(name, value);
  } catch {
    target = new Response(response.body, response);
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) target.headers.set(name, value);
  }
  return target;
}

/** A JSON answer of the console's API: never cached, with the console's headers (and any `headers` given). */
export function consoleJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return withConsoleHeaders(
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    }),
  );
}
