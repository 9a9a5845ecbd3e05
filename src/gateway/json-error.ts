/** The gateway's own refusals: `{ error, error_description }` as OAuth errors are written (RFC 6749 §5.2). */
export function jsonError(
  status: 400 | 403 | 404 | 429,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
