import { setTimeout as sleep } from 'node:timers/promises';

/** What one call through the part under test came back with. */
export interface Answer {
  readonly ok: boolean;
  readonly message: string;
}

/** What a fault scenario measured: the bench prints it, the tests hold it to the promises. */
export interface Outage {
  readonly scenario: string;
  /** Writes acknowledged before the fault, and how many of them were missing or changed once it was over. */
  readonly acknowledged: number;
  readonly lost: number;
  /** Calls made while the service was down, and how they were answered. */
  readonly callsWhileDown: number;
  readonly failedWhileDown: number;
  readonly slowestWhileDownMs: number;
  /** The distinct messages of the calls that failed while it was down. */
  readonly messagesWhileDown: readonly string[];
  /** From the service's restart to the first call that succeeded; our process was never restarted. */
  readonly recoveredMs: number;
  /** Calls made after recovery, and how many failed. */
  readonly callsAfter: number;
  readonly failedAfter: number;
}

export interface DownProbe {
  readonly calls: number;
  readonly failed: number;
  readonly slowestMs: number;
  readonly messages: readonly string[];
}

/** A probe's numbers under the names an Outage reports them by. */
export function whileDown(
  down: DownProbe,
): Pick<Outage, 'callsWhileDown' | 'failedWhileDown' | 'slowestWhileDownMs' | 'messagesWhileDown'> {
  return {
    callsWhileDown: down.calls,
    failedWhileDown: down.failed,
    slowestWhileDownMs: down.slowestMs,
    messagesWhileDown: down.messages,
  };
}

/** Makes `calls` calls one after another, timing each; `call` must answer, never throw. */
export async function probeWhileDown(
  calls: number,
  call: (i: number) => Promise<Answer>,
): Promise<DownProbe> {
  let failed = 0;
  let slowestMs = 0;
  const messages = new Set<string>();
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const answer = await call(i);
    slowestMs = Math.max(slowestMs, performance.now() - start);
    if (!answer.ok) {
      failed++;
      messages.add(answer.message);
    }
  }
  return { calls, failed, slowestMs, messages: [...messages] };
}

/** Calls until one succeeds; how long that took, from now. Throws after `timeoutMs`. */
export async function timeToRecover(call: () => Promise<Answer>, timeoutMs = 30_000): Promise<number> {
  const start = performance.now();
  let last: Answer | undefined;
  while (performance.now() - start < timeoutMs) {
    last = await call();
    if (last.ok) return performance.now() - start;
    await sleep(50);
  }
  throw new Error(`did not recover within ${timeoutMs} ms; last answer: ${last?.message}`);
}

/** Runs `call` on each item and counts the answers that fail. */
export async function countFailures<T>(
  items: readonly T[],
  call: (item: T) => Promise<Answer>,
): Promise<number> {
  let failed = 0;
  for (const item of items) if (!(await call(item)).ok) failed++;
  return failed;
}
