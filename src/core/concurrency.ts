/** Runs at most `limit` tasks at once; the rest wait in arrival order. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  // A queue read by index, not Array.shift(): shift is O(n), which made 100,000 queued files quadratic.
  let waiting: (() => void)[] = [];
  let head = 0;
  const release = () => {
    active--;
    const next = waiting[head];
    if (next === undefined) return;
    waiting[head++] = undefined as unknown as () => void;
    if (head > 1024 && head * 2 > waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    next();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
