import { toSafeFailure } from '../../../core/errors.js';
import { type BackupResult, type BackupScope, takeBackup } from '../backup.js';
import type { RegistryClient } from '../client.js';

/** One change of a bulk run: what it touches, what it does, and the call that does it. */
export interface BulkStep {
  readonly subject: string;
  readonly action: string;
  /** Called without the run's signal: the registry client's own time limit bounds it. */
  run(): Promise<void>;
}

export interface StepOutcome {
  readonly subject: string;
  readonly action: string;
}

export interface BulkRunReport {
  /** The backup written before the first change; restore_backup with this path undoes the run. */
  readonly backup: BackupResult;
  readonly done: StepOutcome[];
  readonly failed: (StepOutcome & { reason: string })[];
  /** Steps not attempted: after a failure (without continue_on_error) or a cancellation. */
  readonly skipped: StepOutcome[];
  readonly stopped: boolean;
  readonly cancelled: boolean;
}

export interface BulkRunOptions {
  readonly scope: BackupScope;
  readonly backupDir: string;
  readonly label: string;
  readonly signal: AbortSignal;
  readonly continueOnError: boolean;
  readonly progress: (done: number, total: number, message: string) => void;
}

/**
 * Runs a confirmed plan's steps in order, one at a time: the backup first (nothing changes when it cannot be
 * written), then each step with progress, a cancellation honoured between steps (never halfway through one), and
 * the first failure stopping the run unless asked to go on. What was not attempted is reported as skipped, so the
 * caller always knows which steps happened.
 */
export async function runBulk(
  client: RegistryClient,
  steps: readonly BulkStep[],
  options: BulkRunOptions,
): Promise<BulkRunReport> {
  const { signal } = options;
  const backup = await takeBackup(client, options.scope, {
    dir: options.backupDir,
    signal,
    label: options.label,
  });
  const done: StepOutcome[] = [];
  const failed: (StepOutcome & { reason: string })[] = [];
  let stopped = false;
  let cancelled = false;
  const total = steps.length;
  let index = 0;
  for (; index < steps.length; index++) {
    const step = steps[index] as BulkStep;
    if (signal.aborted) {
      cancelled = true;
      break;
    }
    const outcome = { subject: step.subject, action: step.action };
    try {
      // Not aborted midway: a change sent but not answered is what a cancellation must not leave behind.
      await step.run();
      done.push(outcome);
    } catch (error) {
      failed.push({ ...outcome, reason: toSafeFailure(error).message });
      if (!options.continueOnError) {
        index++;
        stopped = index < steps.length;
        break;
      }
    }
    options.progress(index + 1, total, `${step.subject}: ${step.action}`);
  }
  const skipped = steps.slice(index).map((step) => ({ subject: step.subject, action: step.action }));
  return { backup, done, failed, skipped, stopped, cancelled };
}

/** What a bulk tool's handler hands runBulkTool: the backup's label and directory, its arguments and MCP progress. */
export interface BulkToolRun {
  readonly label: string;
  readonly backupDir: string;
  readonly signal: AbortSignal;
  readonly continueOnError: boolean;
  readonly progress: (done: number, total: number, message: string) => Promise<void>;
  /** Progress the tool reported before the run (reading the registry): MCP progress only ever grows, so the steps count on from it. */
  readonly progressFrom?: number;
}

/**
 * runBulk as every bulk tool calls it once confirmed: the backup covers exactly the subjects its steps touch, and
 * each step's progress goes to the client without waiting for it.
 */
export function runBulkTool(
  client: RegistryClient,
  steps: readonly BulkStep[],
  run: BulkToolRun,
): Promise<BulkRunReport> {
  const from = run.progressFrom ?? 0;
  return runBulk(client, steps, {
    scope: { subjects: [...new Set(steps.map((s) => s.subject))] },
    backupDir: run.backupDir,
    label: run.label,
    signal: run.signal,
    continueOnError: run.continueOnError,
    progress: (done, total, message) => void run.progress(from + done, from + total, message),
  });
}

/** "1 subject", "3 subjects": the counts in a bulk tool's confirmation question. */
export const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
