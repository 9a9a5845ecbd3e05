import { LimitExceeded } from '../guards/limits.js';
import { unwatch, watch } from './deadlines.js';
import { Cancelled } from './errors.js';

/** One call's time budget and cancellation, shared by every call through a single coarse ticker. */
export class CallBudget {
  /** Rejects with LimitExceeded when time runs out, or Cancelled when the client cancels. */
  readonly expired: Promise<never>;
  private reject!: (reason: Error) => void;
  private reason: Error | undefined;
  private controller: AbortController | undefined;
  private readonly deadlineAt: number;
  private readonly onParentAbort = () => this.fail(new Cancelled('cancelled by the client'));

  constructor(
    private readonly parent: AbortSignal,
    private readonly timeoutMs: number,
  ) {
    this.deadlineAt = performance.now() + timeoutMs;
    this.expired = new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    this.expired.catch(() => undefined);
    if (parent.aborted) {
      this.onParentAbort();
      return;
    }
    watch(this);
  }

  /** True once the call timed out (as opposed to being cancelled). */
  get timedOut(): boolean {
    return this.reason instanceof LimitExceeded;
  }

  /** The handler's signal, made on first use; it fires at once on client cancellation. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
      else this.parent.addEventListener('abort', this.onParentAbort, { once: true });
    }
    return this.controller.signal;
  }

  check(now: number): void {
    if (this.parent.aborted) this.onParentAbort();
    else if (now >= this.deadlineAt) this.fail(new LimitExceeded(`timed out after ${this.timeoutMs} ms`));
  }

  dispose(): void {
    unwatch(this);
    if (this.controller) this.parent.removeEventListener('abort', this.onParentAbort);
  }

  private fail(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    unwatch(this);
    this.controller?.abort(reason);
    this.reject(reason);
  }
}
