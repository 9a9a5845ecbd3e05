/**
 * Every child process the benchmark starts is registered here, so that an error, Ctrl-C or SIGTERM never
 * leaves a server or a `find` running behind it.
 */
const live = new Map<number, () => void>();
let installed = false;

function killAll(): void {
  for (const kill of live.values()) kill();
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

/** Registers a running child by pid; returns the function that forgets it once it has ended normally. */
export function trackChild(pid: number): () => void {
  install();
  live.set(pid, () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  return () => {
    live.delete(pid);
  };
}
