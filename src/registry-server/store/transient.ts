/**
 * PostgreSQL failures after which the same work, tried again, may well succeed: a serialization failure or a
 * deadlock victim (class 40), a connection that broke or could not be made (class 08, the server shutting it
 * down, too many connections), and the socket errors node-postgres passes on when the server went away.
 */
const TRANSIENT_CODES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
const TRANSIENT_SOCKET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** node-postgres reports a connection that closed under a query without a code. */
const CLOSED = /^Connection terminated|not queryable/;

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    return code.startsWith('08') || TRANSIENT_CODES.has(code) || TRANSIENT_SOCKET.has(code);
  }
  return CLOSED.test(error.message);
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The longest wait before the second try; it doubles for each try after, up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Four tries with waits of up to 25, 50 and 100 ms: a deadlock victim or a dropped connection succeeds on the
 * next try, and an outage is answered in well under a second instead of holding the request.
 */
export const TRANSIENT_RETRY: RetryPolicy = { attempts: 4, baseMs: 25, capMs: 400 };

/** A transient failure that outlasted every try; its message and code are the last failure's. */
export class GaveUp extends Error {
  override readonly name = 'GaveUp';
  readonly code: unknown;

  constructor(
    readonly attempts: number,
    cause: Error,
  ) {
    super(`${cause.message} (still failing after ${attempts} tries)`, { cause });
    this.code = (cause as { code?: unknown }).code;
  }
}

/**
 * Runs `work` and, after a transient failure, again, up to `policy.attempts` times. The waits are random ("full
 * jitter") so that writers a deadlock or a restart failed together do not all come back at the same instant.
 */
export async function retryTransient<T>(
  work: (attempt: number) => Promise<T>,
  onRetry: (error: Error, attempt: number) => void = () => {},
  policy: RetryPolicy = TRANSIENT_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= policy.attempts) throw new GaveUp(attempt, error as Error);
      onRetry(error as Error, attempt);
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
