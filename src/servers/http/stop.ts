import { unwatch, watch } from '../../core/deadlines.js';
import { Refusal } from '../../core/errors.js';

/**
 * What ends an exchange early: the whole-exchange deadline (checked by one shared ticker, so a request costs no
 * timer of its own) or the caller's cancellation. undici takes an emitter (`on` / `removeListener`) as its abort
 * signal; on Node 20 that costs a fraction of an AbortSignal's EventTarget listeners, which were most of this
 * client's per-request overhead.
 */
export class Stop {
  reason: Refusal | undefined;
  /**
   * undici's abort listeners. On a signal that is not an AbortSignal, undici (v7) reads `aborted` and `reason`
   * and calls `on`/`once` and `removeListener`; nothing else.
   */
  private listeners: (() => void)[] = [];
  private readonly deadlineAt: number;
  private readonly onCancel = () => this.fire(new Refusal('the request was cancelled'));

  constructor(
    private readonly caller: AbortSignal | undefined,
    private readonly totalTimeoutMs: number,
  ) {
    this.deadlineAt = performance.now() + totalTimeoutMs;
    if (caller?.aborted) {
      this.onCancel();
      return;
    }
    caller?.addEventListener('abort', this.onCancel, { once: true });
    watch(this);
  }

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  on(_event: 'abort', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    this.listeners = this.listeners.filter((l) => l !== listener);
    return this;
  }

  check(now: number): void {
    if (now >= this.deadlineAt)
      this.fire(new Refusal(`the request took longer than ${this.totalTimeoutMs} ms`));
  }

  dispose(): void {
    unwatch(this);
    this.caller?.removeEventListener('abort', this.onCancel);
  }

  private fire(reason: Refusal): void {
    if (this.reason) return;
    this.reason = reason;
    unwatch(this);
    for (const listener of this.listeners) listener();
  }
}
