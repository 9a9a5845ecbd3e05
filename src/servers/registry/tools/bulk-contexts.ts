import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { type ContextsPlan, planClearContexts } from '../bulk/contexts-plan.js';
import {
  blockedOutput,
  bulkRunOutput,
  continueOnErrorArg,
  dryRunArg,
  impactOutput,
} from '../bulk/run-output.js';
import { count, runBulkTool } from '../bulk/runner.js';
import { allSubjects, effectiveModes } from '../bulk/subject-state.js';
import type { RegistryClient } from '../client.js';
import { contextOf, snapshot } from '../snapshot.js';
import { MAX_BULK_SUBJECTS } from './bulk-config.js';
import { confirmArg, contextName, path, type RegistryContext, registryArg } from './shared.js';
import { writable } from './write.js';

const DESTRUCTIVE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

function question(
  client: RegistryClient,
  contexts: string[],
  plan: ContextsPlan,
  permanent: boolean,
): string {
  const subjects = new Set(plan.steps.map((s) => s.subject)).size;
  return (
    `${permanent ? 'Permanently delete' : 'Delete'} ${count(subjects, 'subject')} of context${contexts.length === 1 ? '' : 's'} ` +
    `${contexts.join(', ')} in registry ${client.name}?${permanent ? '' : ' (soft delete: ids stay readable)'} ` +
    'A backup is written first; restore_backup puts them back.'
  );
}

export function bulkContextTools(ctx: RegistryContext, options: { readonly backupDir: string }) {
  return [
    defineTool({
      name: 'clear_contexts',
      title: 'Delete every subject of several contexts',
      description:
        'Deletes every subject of several contexts at once, as clear_context does one: soft by default, ' +
        '`permanent: true` for good (soft-deleting first), referrers before what they reference. A dry run (the ' +
        'default) shows the plan: the steps in order, blocked subjects with the reason (referenced from another ' +
        'context, READONLY mode, view-only registry, or referenced by one that stays) and the impact. A run is ' +
        'refused while anything is blocked unless `skip_blocked: true` (then the rest goes). With `dry_run: false`: ' +
        'asks the user (elicitation, else `confirm: true`), writes a backup first (restore_backup undoes the run), ' +
        'stops at the first failure unless `continue_on_error`. Refused on view-only registries.',
      input: z.object({
        contexts: z
          .array(z.string().regex(/^\.?[A-Za-z0-9_.-]*$/, 'a context name like ".staging"'))
          .min(1)
          .max(100)
          .describe('The contexts to clear, e.g. [".staging", ".dev"]; "." is the default context'),
        permanent: z.boolean().default(false).describe('Remove for good (soft-deleting first)'),
        skip_blocked: z
          .boolean()
          .default(false)
          .describe('Clear what can go and leave the blocked subjects, instead of refusing the run'),
        dry_run: dryRunArg,
        continue_on_error: continueOnErrorArg,
        registry: registryArg,
        confirm: confirmArg,
      }),
      output: z.object({
        registry: z.string(),
        contexts: z.array(z.string()),
        permanent: z.boolean(),
        dry_run: z.boolean(),
        plan: z.object({
          steps: z.array(
            z.object({ subject: z.string(), action: z.enum(['soft delete', 'delete for good']) }),
          ),
          blocked: z.array(blockedOutput),
          impact: z.array(impactOutput),
        }),
        run: bulkRunOutput.optional(),
      }),
      annotations: DESTRUCTIVE,
      async handler(args, { signal, confirmation, progress }) {
        const client = args.dry_run
          ? ctx.pick(args.registry)
          : writable(ctx, args.registry, 'clearing contexts');
        const contexts = [...new Set(args.contexts.map(contextName))];
        const inScope = (subject: string) => contexts.includes(contextOf(subject));
        const subjects = await snapshot(client, () => true, signal);
        const live = new Set(subjects.map((s) => s.subject));
        const everything = await allSubjects(client, signal);
        const scoped = everything.filter(inScope);
        if (scoped.length > MAX_BULK_SUBJECTS)
          throw new Refusal(
            `the contexts hold ${scoped.length} subjects, more than ${MAX_BULK_SUBJECTS}; clear fewer at once`,
          );
        const modes = await effectiveModes(client, scoped, signal);
        const plan = planClearContexts(
          contexts,
          {
            subjects,
            softDeletedOnly: scoped.filter((s) => !live.has(s)),
            modes,
            viewOnly: client.entry.viewonly,
          },
          args.permanent,
        );
        const result = {
          registry: client.name,
          contexts,
          permanent: args.permanent,
          dry_run: args.dry_run,
          plan,
        };
        if (args.dry_run || plan.steps.length === 0) return result;
        if (plan.blocked.length > 0 && !args.skip_blocked)
          throw new Refusal(
            `${count(plan.blocked.length, 'subject')} cannot be deleted (${plan.blocked
              .slice(0, 5)
              .map((b) => `${b.subject}: ${b.reason}`)
              .join('; ')}); nothing was changed. Call with skip_blocked: true to clear the rest.`,
          );
        requireConfirmation(confirmation, args.confirm, question(client, contexts, plan, args.permanent));
        const run = await runBulkTool(
          client,
          plan.steps.map((step) => ({
            ...step,
            run: async () => {
              await client.call(
                'DELETE',
                `${path('subjects', step.subject)}${step.action === 'delete for good' ? '?permanent=true' : ''}`,
              );
            },
          })),
          {
            label: 'clear_contexts',
            backupDir: options.backupDir,
            signal,
            continueOnError: args.continue_on_error,
            progress,
          },
        );
        return { ...result, run };
      },
    }),
  ];
}
