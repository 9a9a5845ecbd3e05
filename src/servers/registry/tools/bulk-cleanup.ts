import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { type CleanupFacts, type CleanupPlan, planCleanup, subjectPattern } from '../bulk/cleanup-plan.js';
import { bulkRunOutput, continueOnErrorArg, dryRunArg } from '../bulk/run-output.js';
import { type BulkStep, count, runBulkTool } from '../bulk/runner.js';
import { effectiveModes } from '../bulk/subject-state.js';
import type { RegistryClient } from '../client.js';
import { snapshot } from '../snapshot.js';
import { confirmArg, contextArg, path, qualify, type RegistryContext, registryArg } from './shared.js';
import { writable } from './write.js';

const DESTRUCTIVE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

const versionRef = z.object({ subject: z.string(), version: z.number() });
const planOutput = z.object({
  steps: z.array(versionRef).describe('Versions to delete, in this order: referrers first'),
  purge: z
    .array(z.string())
    .describe('Subjects whose soft-deleted versions are then removed for good, in one call each'),
  blocked: z.array(
    z.object({
      subject: z.string(),
      versions: z.array(z.number()),
      whole: z.boolean().describe('true: the whole subject, blocked as one'),
      reason: z.string(),
      referrers: z.array(versionRef),
    }),
  ),
  impact: z
    .array(versionRef.extend({ referenced_by: z.array(versionRef) }))
    .describe('Versions that go while others (going too) reference them'),
});

/** The registry as the cleanup planner needs it: every live subject (referrers anywhere count), modes, soft-deleted subjects. */
async function cleanupFacts(
  client: RegistryClient,
  matches: (subject: string) => boolean,
  purging: boolean,
  signal: AbortSignal,
  progress: (done: number, total: number) => void,
): Promise<CleanupFacts> {
  const subjects = await snapshot(client, () => true, signal, progress);
  const live = new Set(subjects.map((s) => s.subject));
  const everything = await client.call<string[]>('GET', '/subjects?deleted=true', undefined, signal);
  const softDeletedOnly = everything.filter((s) => !live.has(s) && matches(s));
  const alsoSoftDeleted = new Set<string>();
  if (purging) {
    for (const subject of subjects.filter((s) => matches(s.subject))) {
      const all = await client.call<number[]>(
        'GET',
        `${path('subjects', subject.subject, 'versions')}?deleted=true`,
        undefined,
        signal,
      );
      if (all.length > subject.versions.length) alsoSoftDeleted.add(subject.subject);
    }
  }
  const modes = await effectiveModes(
    client,
    [...subjects.map((s) => s.subject).filter(matches), ...softDeletedOnly],
    signal,
  );
  return {
    subjects,
    softDeletedOnly,
    alsoSoftDeleted,
    modes,
    viewOnly: client.entry.viewonly,
  };
}

function question(client: RegistryClient, plan: CleanupPlan, permanent: boolean): string {
  const stepped = new Set(plan.steps.map((s) => s.subject));
  const softDeletedOnly = plan.purge.filter((s) => !stepped.has(s));
  const subjects = stepped.size + softDeletedOnly.length;
  const what = [
    plan.steps.length > 0 ? count(plan.steps.length, 'version') : '',
    softDeletedOnly.length > 0 ? count(softDeletedOnly.length, 'soft-deleted subject') : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return (
    `${permanent ? 'Permanently delete' : 'Delete'} ${what} (${count(subjects, 'subject')}) from registry ${client.name}? ` +
    `A backup is written first${permanent ? '; restore_backup can put them back' : ''}.`
  );
}

export function bulkCleanupTools(ctx: RegistryContext, options: { readonly backupDir: string }) {
  return [
    defineTool({
      name: 'bulk_cleanup',
      title: 'Delete many subjects or old versions',
      description:
        'Deletes, soft (default) or for good (`permanent: true`, soft delete first as Confluent requires), either ' +
        'whole subjects matching `pattern` (`*` any run, `?` one character) or, with `keep_latest: N`, every ' +
        'version older than the newest N of each matching subject. Referrers go before what they reference; a ' +
        'version a surviving schema references is blocked with the referrer named, and so are subjects in ' +
        'READONLY or IMPORT mode. A dry run (the default) shows the plan: steps, blocked, impact. Run with ' +
        '`dry_run: false`: a backup (restore_backup puts it back) is written before the first change, then it ' +
        'stops at the first failure unless `continue_on_error`. Asks the user through elicitation when the ' +
        'client supports it, else needs `confirm: true`. Refused on view-only registries.',
      input: z.object({
        pattern: z
          .string()
          .min(1)
          .max(1024)
          .describe('Subjects to clean up, e.g. "orders-*" (whole name; * any run, ? one character)'),
        keep_latest: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe(
            'Keep the newest N versions of each subject and delete the older ones; absent: whole subjects',
          ),
        permanent: z.boolean().default(false).describe('Remove for good (soft-deleting first)'),
        dry_run: dryRunArg,
        continue_on_error: continueOnErrorArg,
        registry: registryArg,
        context: contextArg,
        confirm: confirmArg,
      }),
      output: z.object({
        registry: z.string(),
        dry_run: z.boolean(),
        permanent: z.boolean(),
        plan: planOutput,
        run: bulkRunOutput.optional().describe('What happened (absent on a dry run)'),
      }),
      annotations: DESTRUCTIVE,
      async handler(args, { signal, confirmation, progress }) {
        const client = args.dry_run
          ? ctx.pick(args.registry)
          : writable(ctx, args.registry, 'a bulk cleanup');
        const matches = subjectPattern(qualify(args.pattern, args.context));
        let read = 0;
        const purging = args.permanent && args.keep_latest === undefined;
        const facts = await cleanupFacts(client, matches, purging, signal, (d, t) => {
          read = t;
          void progress(d, t, 'reading the registry');
        });
        const plan = planCleanup(facts, {
          matches,
          target:
            args.keep_latest === undefined
              ? { kind: 'subjects' }
              : { kind: 'versions', keepLatest: args.keep_latest },
          permanent: args.permanent,
        });
        const result = { registry: client.name, dry_run: args.dry_run, permanent: args.permanent, plan };
        if (args.dry_run || plan.steps.length + plan.purge.length === 0) return result;
        requireConfirmation(confirmation, args.confirm, question(client, plan, args.permanent));

        const steps: BulkStep[] = [
          ...plan.steps.map((step) => ({
            subject: step.subject,
            action: `${args.permanent ? 'delete for good' : 'soft delete'} version ${step.version}`,
            run: async () => {
              const route = path('subjects', step.subject, 'versions', step.version);
              await client.call('DELETE', route);
              if (args.permanent) await client.call('DELETE', `${route}?permanent=true`);
            },
          })),
          ...plan.purge.map((subject) => ({
            subject,
            action: 'delete the soft-deleted versions for good',
            run: async () => {
              await client.call('DELETE', `${path('subjects', subject)}?permanent=true`);
            },
          })),
        ];
        const report = await runBulkTool(client, steps, {
          label: 'bulk_cleanup',
          backupDir: options.backupDir,
          signal,
          continueOnError: args.continue_on_error,
          progress,
          progressFrom: read,
        });
        return { ...result, run: report };
      },
    }),
  ];
}
