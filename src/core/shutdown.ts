export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The conventional exit status of a process stopped by a signal: 128 + its number. */
export const SIGNAL_EXIT_CODE: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface StopRequest {
  /** Resolves with the first SIGINT or SIGTERM. */
  readonly signal: Promise<StopSignal>;
  /** Removes the handlers (the work ended first, or the process is done). */
  cancel(): void;
}

/**
 * Listens for SIGINT and SIGTERM so that a process can close what it opened before it exits. A second signal,
 * while that clean stop is under way, exits at once: the user asked twice and does not want to wait.
 */
export function listenForStop(): StopRequest {
  const force = (name: StopSignal) => process.exit(SIGNAL_EXIT_CODE[name]);
  let first: (name: StopSignal) => void = () => {};
  const signal = new Promise<StopSignal>((resolve) => {
    first = (name) => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(name);
    };
  });
  process.once('SIGINT', first);
  process.once('SIGTERM', first);
  return {
    signal,
    cancel() {
      for (const name of ['SIGINT', 'SIGTERM'] as const) {
        process.off(name, first);
        process.off(name, force);
      }
    },
  };
}

/** How long a process that closed everything it opened may take to end by itself before it is ended. */
export const EXIT_GRACE_MS = 1_000;

/**
 * The last line of defence, once everything the process opened has been closed: if something still keeps the
 * event loop alive (a library's socket or timer out of reach), exit after a short grace rather than linger as
 * an orphan of the assistant that started it. The timer is unref'd, so it never holds back a process that ends
 * by itself; when it fires it says so, because that means some resource was not closed.
 */
export function exitAfterGrace(ms = EXIT_GRACE_MS): void {
  setTimeout(() => {
    process.stderr.write(`rampart: still running ${ms} ms after shutting down; exiting\n`);
    process.exit();
  }, ms).unref();
}
