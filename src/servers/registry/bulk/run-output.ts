import { z } from 'zod';

const outcome = z.object({ subject: z.string(), action: z.string() });

/** What a bulk tool reports once it ran (absent on a dry run). */
export const bulkRunOutput = z.object({
  backup: z
    .object({ path: z.string(), subjects: z.number(), versions: z.number() })
    .describe('Written before the first change; restore_backup with this path puts everything back'),
  done: z.array(outcome),
  failed: z.array(outcome.extend({ reason: z.string() })),
  skipped: z.array(outcome).describe('Not attempted: after a failure, or a cancellation'),
  stopped: z.boolean().describe('The run stopped at a failure (continue_on_error was false)'),
  cancelled: z.boolean(),
});

export const blockedOutput = z.object({ subject: z.string(), reason: z.string() });
export const impactOutput = z.object({
  subject: z.string().describe('A subject this operation changes'),
  referenced_by: z.array(z.object({ subject: z.string(), version: z.number() })),
});

export const dryRunArg = z
  .boolean()
  .default(true)
  .describe('Only show the plan (the default); false runs it, after confirmation and a backup');
export const continueOnErrorArg = z
  .boolean()
  .default(false)
  .describe('Go on after a failed step instead of stopping at the first one');
