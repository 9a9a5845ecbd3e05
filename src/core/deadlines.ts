/** Something with a deadline: `check` is called with the current time and fires it once that time has come. */
export interface Deadline {
  check(now: number): void;
}

/**
 * How often deadlines in flight are checked. They fire up to this late; in exchange a call or request costs no
 * timer of its own. The one interval stops when nothing is in flight.
 */
const TICK_MS = 50;

const inFlight = new Set<Deadline>();
let ticker: NodeJS.Timeout | undefined;

function tick(): void {
  const now = performance.now();
  for (const deadline of inFlight) deadline.check(now);
  if (inFlight.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/** Checks `deadline` on the shared ticker until `unwatch`. */
export function watch(deadline: Deadline): void {
  inFlight.add(deadline);
  ticker ??= setInterval(tick, TICK_MS).unref();
}

export function unwatch(deadline: Deadline): void {
  inFlight.delete(deadline);
}
