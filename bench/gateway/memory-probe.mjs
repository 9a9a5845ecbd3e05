// Preloaded into both benchmark servers with `--import` (no change to the servers themselves): when
// BENCH_GATEWAY_MEMORY_FILE is set, appends process.memoryUsage() to that file as one JSON line every
// BENCH_GATEWAY_MEMORY_INTERVAL_MS, and on SIGUSR2 runs a full GC (the server is started with --expose-gc)
// and appends one more line marked "gc": true, so the benchmark can read the heap that survives collection.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_GATEWAY_MEMORY_FILE;
if (file) {
  const write = (gc) => {
    const m = process.memoryUsage();
    const line = {
      t: Date.now(),
      gc,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  const every = Number(process.env.BENCH_GATEWAY_MEMORY_INTERVAL_MS ?? 1000);
  setInterval(() => write(false), every).unref();
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    write(true);
  });
}
