import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { subjectPattern } from '../bulk/cleanup-plan.js';
import {
  COMPATIBILITY_LEVELS,
  type ConfigPlan,
  MODES,
  planConfigUpdate,
  type SubjectSettings,
} from '../bulk/config-plan.js';
import { referrersBySubject } from '../bulk/referrers.js';
import {
  blockedOutput,
  bulkRunOutput,
  continueOnErrorArg,
  dryRunArg,
  impactOutput,
} from '../bulk/run-output.js';
import { count, runBulkTool } from '../bulk/runner.js';
import { unlessMissing } from '../bulk/subject-state.js';
import type { RegistryClient } from '../client.js';
import { contextOf, snapshot } from '../snapshot.js';
import {
  confirmArg,
  contextArg,
  contextName,
  path,
  qualify,
  type RegistryContext,
  registryArg,
} from './shared.js';
import { writable } from './write.js';

const WRITE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

/** More than this many matched subjects is refused: a pattern that broad is more likely a mistake than a plan. */
export const MAX_BULK_SUBJECTS = 5000;

async function settingsOf(
  client: RegistryClient,
  subject: string,
  liveVersions: number,
  signal: AbortSignal,
): Promise<SubjectSettings> {
  const get = <T>(route: string) => client.call<T>('GET', route, undefined, signal);
  const own = await unlessMissing(get<{ compatibilityLevel?: string }>(path('config', subject)));
  const effective = await get<{ compatibilityLevel: string }>(
    `${path('config', subject)}?defaultToGlobal=true`,
  );
  const ownMode = await unlessMissing(get<{ mode: string }>(path('mode', subject)));
  const effectiveMode = await get<{ mode: string }>(`${path('mode', subject)}?defaultToGlobal=true`);
  return {
    subject,
    ownCompatibility: own?.compatibilityLevel ?? null,
    effectiveCompatibility: effective.compatibilityLevel,
    ownMode: ownMode?.mode ?? null,
    effectiveMode: effectiveMode.mode,
    liveVersions,
  };
}

function question(client: RegistryClient, plan: ConfigPlan): string {
  const subjects = new Set(plan.changes.map((c) => c.subject)).size;
  const what = [...new Set(plan.changes.map((c) => `${c.setting} ${c.to}`))].join(' and ');
  return `Set ${what} on ${count(subjects, 'subject')} of registry ${client.name}? A backup is written first; restore_backup undoes it.`;
}

export function bulkConfigTools(ctx: RegistryContext, options: { readonly backupDir: string }) {
  return [
    defineTool({
      name: 'bulk_update_config',
      title: 'Set compatibility or mode on many subjects',
      description:
        'Sets the compatibility level and/or the mode of every subject of one context whose name matches ' +
        '`pattern` (a glob: `*` any run, `?` one character). A dry run (the default) shows the plan: each ' +
        "subject's setting from → to (and whether it was inherited), subjects already set, blocked ones with the " +
        'reason, and the impact (schemas elsewhere that reference a changed subject). With `dry_run: false`: asks ' +
        'the user (elicitation, else `confirm: true`), writes a backup first (its path is returned; restore_backup ' +
        'puts everything back), then stops at the first failure unless `continue_on_error`. Refused on view-only ' +
        'registries.',
      input: z.object({
        pattern: z
          .string()
          .min(1)
          .max(1024)
          .describe(
            'Subjects to change, e.g. "orders-*" (whole name within the context; * any run, ? one character)',
          ),
        compatibility: z.enum(COMPATIBILITY_LEVELS).optional().describe('The compatibility level to set'),
        mode: z.enum(MODES).optional().describe('The mode to set'),
        dry_run: dryRunArg,
        continue_on_error: continueOnErrorArg,
        registry: registryArg,
        context: contextArg,
        confirm: confirmArg,
      }),
      output: z.object({
        registry: z.string(),
        dry_run: z.boolean(),
        plan: z.object({
          changes: z.array(
            z.object({
              subject: z.string(),
              setting: z.enum(['compatibility', 'mode']),
              from: z.string(),
              inherited: z.boolean().describe('`from` came from the context or global setting'),
              to: z.string(),
            }),
          ),
          unchanged: z.array(z.string()),
          blocked: z.array(blockedOutput),
          impact: z.array(impactOutput),
        }),
        run: bulkRunOutput.optional(),
      }),
      annotations: WRITE,
      async handler(args, { signal, confirmation, progress }) {
        if (args.compatibility === undefined && args.mode === undefined)
          throw new Refusal('give `compatibility`, `mode` or both: there is nothing to set');
        const client = args.dry_run
          ? ctx.pick(args.registry)
          : writable(ctx, args.registry, 'a bulk config update');
        const context = contextName(args.context);
        const matches = subjectPattern(qualify(args.pattern, args.context));
        const everything = await snapshot(client, () => true, signal);
        const matched = everything.filter((s) => contextOf(s.subject) === context && matches(s.subject));
        if (matched.length > MAX_BULK_SUBJECTS)
          throw new Refusal(
            `pattern ${args.pattern} matches ${matched.length} subjects, more than ${MAX_BULK_SUBJECTS}; narrow it`,
          );
        const settings: SubjectSettings[] = [];
        for (const s of matched)
          settings.push(await settingsOf(client, s.subject, s.versions.length, signal));
        const plan = planConfigUpdate(
          settings,
          {
            ...(args.compatibility ? { compatibility: args.compatibility } : {}),
            ...(args.mode ? { mode: args.mode } : {}),
          },
          { viewOnly: client.entry.viewonly, referrers: referrersBySubject(everything) },
        );
        const result = { registry: client.name, dry_run: args.dry_run, plan };
        if (args.dry_run || plan.changes.length === 0) return result;
        requireConfirmation(confirmation, args.confirm, question(client, plan));
        const run = await runBulkTool(
          client,
          plan.changes.map((change) => ({
            subject: change.subject,
            action: `${change.setting} ${change.from} → ${change.to}`,
            run: async () => {
              if (change.setting === 'compatibility')
                await client.call('PUT', path('config', change.subject), { compatibility: change.to });
              else await client.call('PUT', path('mode', change.subject), { mode: change.to });
            },
          })),
          {
            label: 'bulk_update_config',
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
