import { z } from 'zod';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import type { RegistryClient } from '../client.js';
import { withImportMode } from '../import-mode.js';
import { orderByReferences } from '../ordering.js';
import { contextOf, type SubjectSnapshot, snapshot } from '../snapshot.js';
import {
  contextArg,
  path,
  qualify,
  READ_ONLY,
  type RegistryContext,
  registryArg,
  subjectArg,
} from './shared.js';
import { writable } from './write.js';

const READ_REMOTE = { ...READ_ONLY, openWorldHint: true };
const WRITE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};
export const BUNDLE_FORMAT = 'rampart.registry.export/1';

const referenceSchema = z.object({ name: z.string(), subject: z.string(), version: z.number().int() });
const versionSchema = z.object({
  version: z.number().int(),
  id: z.number().int(),
  schemaType: z.enum(['AVRO', 'JSON', 'PROTOBUF']),
  schema: z.string(),
  references: z.array(referenceSchema),
});
export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  source: z.string(),
  exported_at: z.string(),
  subjects: z.array(z.object({ subject: z.string(), versions: z.array(versionSchema) })),
});
type Bundle = z.output<typeof bundleSchema>;

function bundle(client: RegistryClient, subjects: readonly SubjectSnapshot[]): Bundle {
  return {
    format: BUNDLE_FORMAT,
    source: client.name,
    exported_at: new Date().toISOString(),
    subjects: subjects.map((s) => ({
      subject: s.subject,
      versions: s.versions.map((v) => ({ ...v, references: [...v.references] })),
    })),
  };
}

const exportOutput = z.object({
  bundle: bundleSchema,
  subjects: z.number().int(),
  versions: z.number().int(),
});
const summarize = (b: Bundle) => ({
  bundle: b,
  subjects: b.subjects.length,
  versions: b.subjects.reduce((n, s) => n + s.versions.length, 0),
});

export function transferTools(ctx: RegistryContext) {
  const exportTool = (
    name: string,
    title: string,
    description: string,
    input: z.ZodObject,
    keep: (args: Record<string, unknown>) => (subject: string) => boolean,
    versionFilter?: (args: Record<string, unknown>) => (version: number, all: readonly number[]) => boolean,
  ) =>
    defineTool({
      name,
      title,
      description: `${description} The JSON bundle (every version with its id, type, schema and references) is what import_schemas reads.`,
      input,
      output: exportOutput,
      annotations: READ_REMOTE,
      async handler(args: Record<string, unknown>, { signal, progress }) {
        const client = ctx.pick(args.registry as string | undefined);
        const subjects = await snapshot(
          client,
          keep(args),
          signal,
          (done, total) => void progress(done, total, 'exporting'),
        );
        const filter = versionFilter?.(args);
        const kept = filter
          ? subjects.map((s) => ({
              ...s,
              versions: s.versions.filter((v) =>
                filter(
                  v.version,
                  s.versions.map((x) => x.version),
                ),
              ),
            }))
          : subjects;
        if (kept.length === 0) throw new Refusal(`nothing to export from registry ${client.name}`);
        return summarize(bundle(client, kept));
      },
    });
  return [
    exportTool(
      'export_schema',
      'Export one schema version',
      'Exports one version of a subject (latest by default).',
      z.object({
        subject: subjectArg,
        version: z.union([z.number().int().min(1), z.literal('latest')]).default('latest'),
        registry: registryArg,
        context: contextArg,
      }),
      (args) => (subject) => subject === qualify(args.subject as string, args.context as string | undefined),
      (args) => (version, all) =>
        args.version === 'latest' ? version === Math.max(...all) : version === args.version,
    ),
    exportTool(
      'export_subject',
      'Export a subject',
      'Exports every version of one subject.',
      z.object({ subject: subjectArg, registry: registryArg, context: contextArg }),
      (args) => (subject) => subject === qualify(args.subject as string, args.context as string | undefined),
    ),
    exportTool(
      'export_context',
      'Export a context',
      'Exports every subject of one schema context ("." is the default context).',
      z.object({
        context: z.string().default('.').describe('The context, e.g. ".staging"'),
        registry: registryArg,
      }),
      (args) => (subject) =>
        contextOf(subject) === ((args.context as string).startsWith('.') ? args.context : `.${args.context}`),
    ),
    exportTool(
      'export_global',
      'Export a whole registry',
      'Exports every subject of every context.',
      z.object({ registry: registryArg }),
      () => () => true,
    ),
    defineTool({
      name: 'import_schemas',
      title: 'Import an export bundle',
      description:
        'Registers every version of an export bundle into a registry, in order, keeping each schema id (the subject ' +
        'is put in IMPORT mode for the duration and its mode restored after, even on failure). Only subjects with no ' +
        'versions in the target are written; others are reported and left alone. `dry_run` shows the plan. Refused ' +
        'on view-only registries.',
      input: z.object({
        bundle: bundleSchema.describe(
          'A bundle from export_schema, export_subject, export_context or export_global',
        ),
        registry: registryArg,
        preserve_ids: z
          .boolean()
          .default(true)
          .describe('Keep the schema ids and version numbers of the bundle'),
        dry_run: z.boolean().default(false).describe('Only say what would be written'),
      }),
      output: z.object({
        registry: z.string(),
        imported: z.array(z.object({ subject: z.string(), version: z.number(), id: z.number() })),
        skipped: z.array(z.object({ subject: z.string(), reason: z.string() })),
        dry_run: z.boolean(),
      }),
      annotations: WRITE,
      async handler(args, { signal, progress }) {
        const client = writable(ctx, args.registry, 'importing schemas');
        const imported: { subject: string; version: number; id: number }[] = [];
        const skipped: { subject: string; reason: string }[] = [];
        const existing = new Set(await client.call<string[]>('GET', '/subjects', undefined, signal));
        const ordered = orderByReferences(args.bundle.subjects);
        for (const [i, subject] of ordered.entries()) {
          if (existing.has(subject.subject)) {
            skipped.push({ subject: subject.subject, reason: 'the target subject already has versions' });
            continue;
          }
          if (args.dry_run) {
            for (const v of subject.versions)
              imported.push({ subject: subject.subject, version: v.version, id: v.id });
            continue;
          }
          const registerAll = async () => {
            for (const v of subject.versions) {
              const body = {
                schema: v.schema,
                schemaType: v.schemaType,
                references: v.references,
                ...(args.preserve_ids ? { id: v.id, version: v.version } : {}),
              };
              const answer = await client.call<{ id: number }>(
                'POST',
                path('subjects', subject.subject, 'versions'),
                body,
                signal,
              );
              imported.push({ subject: subject.subject, version: v.version, id: answer.id });
            }
          };
          if (args.preserve_ids) await withImportMode(client, subject.subject, signal, registerAll);
          else await registerAll();
          void progress(i + 1, ordered.length, subject.subject);
        }
        return { registry: client.name, imported, skipped, dry_run: args.dry_run };
      },
    }),
  ];
}
