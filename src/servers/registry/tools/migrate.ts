import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec, type ToolContext } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import type { RegistryClient } from '../client.js';
import { type MigrationRequest, planMigration, runMigration } from '../migration.js';
import { contextOf, readSubject } from '../snapshot.js';
import {
  confirmArg,
  contextArg,
  contextName,
  qualify,
  type RegistryContext,
  registryArg,
  subjectArg,
} from './shared.js';
import { writable } from './write.js';

const MIGRATE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
};

const stepSchema = z.object({
  source_subject: z.string(),
  target_subject: z.string(),
  version: z.number(),
  id: z.number(),
  schema_type: z.enum(['AVRO', 'JSON', 'PROTOBUF']),
  action: z.enum(['register', 'skip', 'blocked']),
  target_version: z.number().optional(),
  reason: z.string().optional(),
  written: z.boolean().optional(),
});

const migrationOutput = z.object({
  source: z.string(),
  target: z.string(),
  dry_run: z.boolean(),
  summary: z.object({ register: z.number(), skip: z.number(), blocked: z.number(), written: z.number() }),
  non_empty_targets: z.array(z.string()),
  steps: z.array(stepSchema),
  failed: z.array(z.object({ subject: z.string(), version: z.number(), reason: z.string() })),
});

const commonInput = {
  source_registry: registryArg.describe('Registry to copy from (see list_registries); default the first'),
  target_registry: z.string().describe('Registry to copy into; it must not be view-only'),
  preserve_ids: z
    .boolean()
    .default(true)
    .describe('Keep schema ids and version numbers (target subjects in IMPORT mode while written)'),
  dry_run: z
    .boolean()
    .default(true)
    .describe('Only report what would be copied (the default); false to copy'),
  confirm: confirmArg,
};

/** Renames a subject from one context to another: `:.staging:orders` to `:.prod:orders` or `orders`. */
function moveContext(subject: string, from: string, to: string): string {
  const bare = from === '.' ? subject : subject.slice(from.length + 2);
  return qualify(bare, to);
}

async function migrate(
  args: { preserve_ids: boolean; dry_run: boolean; confirm?: boolean | undefined },
  request: MigrationRequest,
  what: string,
  { signal, progress, confirmation }: ToolContext,
): Promise<z.output<typeof migrationOutput>> {
  const plan = await planMigration(request, signal, (d, t) => void progress(d, t, 'reading the source'));
  if (plan.subjects.length === 0) throw new Refusal(`registry ${request.source.name} has no ${what}`);
  const summary = (written: number) => ({
    register: plan.steps.filter((s) => s.action === 'register').length,
    skip: plan.steps.filter((s) => s.action === 'skip').length,
    blocked: plan.steps.filter((s) => s.action === 'blocked').length,
    written,
  });
  const report = {
    source: request.source.name,
    target: request.target.name,
    dry_run: args.dry_run,
    non_empty_targets: plan.nonEmptyTargets,
  };
  if (args.dry_run) return { ...report, summary: summary(0), steps: plan.steps, failed: [] };
  if (plan.nonEmptyTargets.length > 0) {
    const names =
      plan.nonEmptyTargets.slice(0, 5).join(', ') + (plan.nonEmptyTargets.length > 5 ? ', …' : '');
    requireConfirmation(
      confirmation,
      args.confirm,
      `Add versions to ${plan.nonEmptyTargets.length} subject(s) of registry ${request.target.name} that already have versions (${names})?${request.preserveIds ? ' They are written in IMPORT mode, without compatibility checks.' : ''}`,
    );
  }
  const outcome = await runMigration(request, plan, signal, (d, t, m) => void progress(d, t, m));
  return {
    ...report,
    summary: summary(outcome.steps.filter((s) => s.written).length),
    steps: outcome.steps,
    failed: outcome.failed,
  };
}

export function migrateTools(ctx: RegistryContext) {
  const endpoints = (args: { source_registry?: string | undefined; target_registry: string }) => ({
    source: ctx.pick(args.source_registry),
    target: writable(ctx, args.target_registry, 'migrating schemas into it'),
  });
  return [
    defineTool({
      name: 'migrate_schema',
      title: 'Copy a subject to another registry or context',
      description:
        'Copies every version of a subject (or the listed ones) from one registry or context to another, with the ' +
        'subjects it references, keeping ids and version numbers. A dry run by default: it shows per version ' +
        'whether it would be registered, skipped (the target already has that content) or blocked. Writing into a ' +
        'subject that already has versions asks the user (elicitation) or needs `confirm: true`. Progress is ' +
        'reported. The target must not be view-only.',
      input: z.object({
        subject: subjectArg,
        source_context: contextArg,
        target_context: contextArg.describe('Context in the target; default the source context'),
        target_subject: z
          .string()
          .min(1)
          .max(1024)
          .optional()
          .describe('Name in the target; default the same'),
        versions: z.array(z.number().int().min(1)).optional().describe('Only these versions; default all'),
        ...commonInput,
      }),
      output: migrationOutput,
      annotations: MIGRATE,
      async handler(args, tool) {
        const { source, target } = endpoints(args);
        const from = contextName(args.source_context);
        const to = contextName(args.target_context ?? args.source_context);
        const subject = qualify(args.subject, from);
        const renamed = args.target_subject
          ? qualify(args.target_subject, to)
          : moveContext(subject, from, to);
        if (source === target && renamed === subject)
          throw new Refusal('source and target are the same subject; pick another registry, context or name');
        const referenced = await referencedSubjects(source, subject, tool.signal);
        return migrate(
          args,
          {
            source,
            target,
            keep: (s) => s === subject || referenced.has(s),
            rename: (s) => {
              if (s === subject) return renamed;
              return contextOf(s) === from ? moveContext(s, from, to) : s;
            },
            // Only the named subject is narrowed: what it references moves whole, so every reference resolves.
            ...(args.versions
              ? { selects: (s: string, v: number) => s !== subject || (args.versions?.includes(v) ?? true) }
              : {}),
            preserveIds: args.preserve_ids,
          },
          `subject ${subject}`,
          tool,
        );
      },
    }),
    defineTool({
      name: 'migrate_context',
      title: 'Copy a whole context to another registry or context',
      description:
        'Copies every subject of a context, in reference order, with every version, keeping ids and version ' +
        'numbers (each target subject in IMPORT mode while written, its mode restored after, even on failure). ' +
        'A dry run by default showing every step; writing into subjects that already have versions asks the user ' +
        '(elicitation) or needs `confirm: true`. Progress is reported. The target must not be view-only.',
      input: z.object({
        context: contextArg.describe('Context to copy, e.g. ".staging"; default "."'),
        target_context: contextArg.describe('Context in the target; default the same'),
        ...commonInput,
      }),
      output: migrationOutput,
      annotations: MIGRATE,
      async handler(args, tool) {
        const { source, target } = endpoints(args);
        const from = contextName(args.context);
        const to = contextName(args.target_context ?? args.context);
        if (source === target && from === to)
          throw new Refusal('source and target are the same context; pick another registry or context');
        return migrate(
          args,
          {
            source,
            target,
            keep: (s) => contextOf(s) === from,
            rename: (s) => moveContext(s, from, to),
            preserveIds: args.preserve_ids,
          },
          `subjects in context ${from}`,
          tool,
        );
      },
    }),
  ];
}

/** Every subject a subject's versions reference, directly or through others. */
async function referencedSubjects(
  source: RegistryClient,
  subject: string,
  signal: AbortSignal,
): Promise<Set<string>> {
  const found = new Set<string>();
  const queue = [subject];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    for (const v of await readSubject(source, next, signal))
      for (const r of v.references)
        if (!found.has(r.subject) && r.subject !== subject) {
          found.add(r.subject);
          queue.push(r.subject);
        }
  }
  return found;
}
