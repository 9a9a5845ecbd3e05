import { oneLine, Refusal } from '../../core/errors.js';

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** node-postgres's own words for a connection that closed, or could not be had in time; they carry no code. */
const CLOSED =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|connection error/i;

/**
 * A failure that says the server cannot be reached now (down, restarting, out of connections), as one line
 * naming it for the model; undefined for anything else. `inFlight`: it broke a connection the statement was
 * sent on, so a write may or may not have committed.
 */
export function unavailable(error: unknown, shownUrl: string, inFlight: boolean): Refusal | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const byCode =
    typeof code === 'string' &&
    (code.startsWith('08') || code.startsWith('57P') || code === '53300' || SOCKET_CODES.has(code));
  if (!byCode && !CLOSED.test(error.message)) return undefined;
  const doubt = inFlight ? ' (a change sent as it failed may or may not have been committed)' : '';
  return new Refusal(
    `PostgreSQL at ${shownUrl} is unavailable (${oneLine(error.message)}); try again shortly${doubt}`,
  );
}
