import { describe, expect, it } from 'vitest';
import { LimitExceeded } from '../guards/limits.js';
import { CallBudget } from './budget.js';
import { Cancelled } from './errors.js';

describe('CallBudget', () => {
  it('expires with LimitExceeded once its time is up, and aborts a signal handed out earlier', async () => {
    const parent = new AbortController();
    const budget = new CallBudget(parent.signal, 20);
    const signal = budget.signal;
    const started = performance.now();
    await expect(budget.expired).rejects.toThrow(new LimitExceeded('timed out after 20 ms'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(budget.timedOut).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(LimitExceeded);
    budget.dispose();
  });

  it('cancels at once when the client aborts and a handler holds the signal', async () => {
    const parent = new AbortController();
    const budget = new CallBudget(parent.signal, 60_000);
    const signal = budget.signal;
    parent.abort();
    expect(signal.aborted).toBe(true);
    await expect(budget.expired).rejects.toBeInstanceOf(Cancelled);
    expect(budget.timedOut).toBe(false);
    budget.dispose();
  });

  it('notices a client abort on its next tick even when nobody asked for the signal', async () => {
    const parent = new AbortController();
    const budget = new CallBudget(parent.signal, 60_000);
    parent.abort('gone');
    await expect(budget.expired).rejects.toBeInstanceOf(Cancelled);
    budget.dispose();
  });

  it('is expired from the start when the client already cancelled', async () => {
    const parent = new AbortController();
    parent.abort();
    const budget = new CallBudget(parent.signal, 60_000);
    expect(budget.signal.aborted).toBe(true);
    await expect(budget.expired).rejects.toBeInstanceOf(Cancelled);
  });

  it('never fires once disposed', async () => {
    const parent = new AbortController();
    const budget = new CallBudget(parent.signal, 10);
    const signal = budget.signal;
    budget.dispose();
    await new Promise((resolve) => setTimeout(resolve, 120));
    parent.abort();
    expect(signal.aborted).toBe(false);
  });
});
