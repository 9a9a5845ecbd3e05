import type { Logger } from '../../core/log.js';
import { hideUrlPassword } from '../../guards/redact.js';

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** The error's message and code, then each cause's, with the password of any URL in them hidden. */
export function describeFailure(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(`${current.message}${typeof code === 'string' ? ` (${code})` : ''}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join(', caused by ').replace(URL_IN_TEXT, (url) => hideUrlPassword(url));
}

/**
 * Logs what the API answers with 50001: the request and what went wrong underneath, which the client is never
 * shown. The stack goes to the debug level.
 */
export function logStoreFailure(logger: Logger, method: string, path: string, error: unknown): void {
  logger.error(`answered 50001 to ${method} ${path}: ${describeFailure(error)}`);
  if (error instanceof Error && error.stack) logger.debug(hideUrlPassword(error.stack));
}
