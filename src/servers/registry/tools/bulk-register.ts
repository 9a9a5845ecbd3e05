import { closeSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import nodePath from 'node:path';
import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { canonicalRoots, openVerifiedSync, resolveExisting } from '../../../guards/path.js';
import {
  type CompatibilityCheck,
  landingKey,
  planRegistration,
  type RegisterFacts,
  type RegisterStep,
  type SubjectToRegister,
  type TargetSubject,
  translateReferences,
} from '../bulk/register-plan.js';
import { bulkRunOutput, continueOnErrorArg, dryRunArg } from '../bulk/run-output.js';
import { type BulkStep, count, runBulkTool } from '../bulk/runner.js';
import { RegistryApiError, type RegistryClient } from '../client.js';
import { readSubject } from '../snapshot.js';
import { confirmArg, contextArg, path, qualify, type RegistryContext, registryArg } from './shared.js';
import { bundleSchema } from './transfer.js';
import { writable } from './write.js';

const SCHEMA_TYPES: Readonly<Record<string, SubjectToRegister['versions'][number]['schemaType']>> = {
  '.avsc': 'AVRO',
  '.json': 'JSON',
  '.proto': 'PROTOBUF',
};
const MAX_FOLDER_FILES = 1000;
const MAX_SCHEMA_BYTES = 1024 * 1024;

/**
 * The schemas of one folder inside the configured schema directory, one subject each: `orders-value.avsc` is
 * Avro for subject `orders-value` (in `context` when given), `.json` JSON Schema, `.proto` Protobuf. Only the
 * folder's own regular files are read (no subfolders, no symbolic links), each opened without following links
 * and checked to lie inside the directory; a folder resolving outside it is refused.
 */
export async function readSchemaFolder(
  schemaDir: string | undefined,
  requested: string,
  context: string | undefined,
): Promise<SubjectToRegister[]> {
  if (schemaDir === undefined)
    throw new Refusal(
      'reading schemas from a folder is off: registry.schemaDir in rampart.yaml names the directory folders may ' +
        'come from; or pass the schemas as a bundle',
    );
  const roots = await canonicalRoots([schemaDir]);
  const folder = await resolveExisting(requested, roots, 'folder');
  const entries = (await readdir(folder, { withFileTypes: true }))
    .filter((e) => e.isFile() && SCHEMA_TYPES[nodePath.extname(e.name)] !== undefined)
    .map((e) => e.name)
    .sort();
  if (entries.length === 0)
    throw new Refusal(`folder ${requested} holds no .avsc, .json or .proto files to register`);
  if (entries.length > MAX_FOLDER_FILES)
    throw new Refusal(
      `folder ${requested} holds ${entries.length} schema files; at most ${MAX_FOLDER_FILES} at once`,
    );
  return entries.map((name) => {
    const fd = openVerifiedSync(nodePath.join(folder, name), roots);
    if (fd === undefined)
      throw new Refusal(`${name} in folder ${requested} cannot be opened inside ${schemaDir}`);
    let schema: string;
    try {
      const bytes = readFileSync(fd);
      if (bytes.length > MAX_SCHEMA_BYTES)
        throw new Refusal(`${name} in folder ${requested} is larger than ${MAX_SCHEMA_BYTES} bytes`);
      schema = bytes.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const extension = nodePath.extname(name);
    const subject = name.slice(0, -extension.length);
    if (subject.length === 0 || subject.length > 1024)
      throw new Refusal(
        `${name} in folder ${requested} does not name a subject (1 to 1024 characters before the extension)`,
      );
    return {
      subject: qualify(subject, context),
      versions: [{ version: 1, schemaType: SCHEMA_TYPES[extension] as 'AVRO', schema, references: [] }],
    };
  });
}

/** Every version number a subject has used, soft-deleted ones too; 0 when it has none. */
async function highestVersion(client: RegistryClient, subject: string, signal: AbortSignal): Promise<number> {
  try {
    const all = await client.call<number[]>(
      'GET',
      `${path('subjects', subject, 'versions')}?deleted=true`,
      undefined,
      signal,
    );
    return Math.max(0, ...all);
  } catch (error) {
    if (error instanceof RegistryApiError && error.status === 404) return 0;
    throw error;
  }
}

async function effectiveMode(client: RegistryClient, subject: string, signal: AbortSignal): Promise<string> {
  const answer = await client.call<{ mode: string }>(
    'GET',
    `${path('mode', subject)}?defaultToGlobal=true`,
    undefined,
    signal,
  );
  return answer.mode;
}

/** What the target holds for every subject the schemas name or reference. */
export async function registerFacts(
  client: RegistryClient,
  subjects: readonly SubjectToRegister[],
  signal: AbortSignal,
): Promise<RegisterFacts> {
  const names = new Set<string>();
  for (const s of subjects) {
    names.add(s.subject);
    for (const v of s.versions) for (const r of v.references) names.add(r.subject);
  }
  const target = new Map<string, TargetSubject>();
  for (const subject of names) {
    target.set(subject, {
      live: await readSubject(client, subject, signal),
      highestVersion: await highestVersion(client, subject, signal),
      mode: await effectiveMode(client, subject, signal),
    });
  }
  return { target, viewOnly: client.entry.viewonly };
}

/** The registry's compatibility endpoint, as registration would check (transitively when so configured). */
export function registryCheck(client: RegistryClient, signal: AbortSignal): CompatibilityCheck {
  return async (subject, body) => {
    try {
      const answer = await client.call<{ is_compatible: boolean; messages?: string[] }>(
        'POST',
        `${path('compatibility', 'subjects', subject, 'versions')}?verbose=true`,
        body,
        signal,
      );
      return { compatible: answer.is_compatible, messages: answer.messages ?? [] };
    } catch (error) {
      // Nothing to be compatible with yet; a schema the registry cannot parse is blocked with its words.
      if (error instanceof RegistryApiError && error.status === 404)
        return { compatible: true, messages: [] };
      if (error instanceof RegistryApiError && error.status === 422)
        return {
          compatible: false,
          messages: [error.message],
          reason: 'the registry refuses the schema itself',
        };
      throw error;
    }
  };
}

export interface Registered {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
}

/**
 * Registers one planned step, its references pointed at where the versions they name landed, and answers the
 * version and id it got (asked back from the registry: its registration answer carries only the id).
 */
export async function registerStep(
  client: RegistryClient,
  step: RegisterStep,
  schema: SubjectToRegister['versions'][number],
  landing: Map<string, number | null>,
  facts: RegisterFacts,
): Promise<Registered> {
  const translated = translateReferences(schema.references, landing, facts);
  if (typeof translated === 'string') throw new Refusal(translated);
  const body = {
    schema: schema.schema,
    schemaType: schema.schemaType,
    references: translated.references,
  };
  await client.call(
    'POST',
    path('subjects', step.subject, 'versions'),
    step.keep_id ? { ...body, id: schema.id, version: schema.version } : body,
  );
  const found = await client.call<{ version: number; id: number }>(
    'POST',
    path('subjects', step.subject),
    body,
  );
  return { subject: step.subject, version: found.version, id: found.id };
}

const WRITE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

const stepOutput = z.object({
  subject: z.string(),
  version: z.number(),
  id: z.number().optional(),
  action: z.enum(['register', 'skip', 'blocked']),
  target_version: z.number().optional(),
  compatibility: z.enum(['checked', 'unchecked', 'incompatible', 'not applied']),
  keep_id: z.boolean(),
  reason: z.string().optional(),
  messages: z.array(z.string()).optional(),
});

export function bulkRegisterTools(
  ctx: RegistryContext,
  options: { readonly backupDir: string; readonly schemaDir?: string | undefined },
) {
  return [
    defineTool({
      name: 'bulk_register',
      title: 'Register many schemas',
      description:
        'Registers many schemas: an export bundle (`bundle`, as export_* write it) or a `folder` of .avsc (Avro), ' +
        '.json (JSON Schema) and .proto files, one subject per file named after it, inside the configured schema ' +
        'directory (registry.schemaDir). Referenced subjects go first, versions in order, references pointed at ' +
        'the versions they become. The plan (a dry run, the default) puts the first new version of each subject ' +
        "to the registry's compatibility check and shows what is registered, skipped (already there) or blocked " +
        "(incompatible, with the registry's messages; READONLY; a reference nothing holds). Ids are the " +
        "registry's own unless the subject is in IMPORT mode. Run with `dry_run: false`: a backup is written " +
        'before the first change (restore_backup puts it back), and it stops at the first failure unless ' +
        '`continue_on_error`. Asks the user through elicitation when the client supports it, else needs ' +
        '`confirm: true`. Refused on view-only registries.',
      input: z.object({
        bundle: bundleSchema
          .optional()
          .describe('An export bundle (export_subject, export_context, export_global)'),
        folder: z
          .string()
          .min(1)
          .max(4096)
          .optional()
          .describe('A folder of schema files, relative to the configured schema directory'),
        context: contextArg.describe('Context for the subjects of a folder, e.g. ".staging"; default "."'),
        dry_run: dryRunArg,
        continue_on_error: continueOnErrorArg,
        registry: registryArg,
        confirm: confirmArg,
      }),
      output: z.object({
        registry: z.string(),
        dry_run: z.boolean(),
        summary: z.object({ register: z.number(), skip: z.number(), blocked: z.number() }),
        plan: z.array(stepOutput),
        registered: z
          .array(z.object({ subject: z.string(), version: z.number(), id: z.number() }))
          .describe('Where each registered schema landed'),
        run: bulkRunOutput.optional().describe('What happened (absent on a dry run)'),
      }),
      annotations: WRITE,
      async handler(args, { signal, confirmation, progress }) {
        if ((args.bundle === undefined) === (args.folder === undefined))
          throw new Refusal('give either `bundle` or `folder` (exactly one)');
        if (args.bundle && args.context !== undefined)
          throw new Refusal(
            '`context` applies to a folder; a bundle names its subjects itself (`:.ctx:subject`)',
          );
        const client = args.dry_run
          ? ctx.pick(args.registry)
          : writable(ctx, args.registry, 'a bulk registration');
        const subjects = args.bundle
          ? args.bundle.subjects
          : await readSchemaFolder(options.schemaDir, args.folder as string, args.context);
        const facts = await registerFacts(client, subjects, signal);
        const plan = await planRegistration(subjects, facts, registryCheck(client, signal));
        const summary = {
          register: plan.filter((s) => s.action === 'register').length,
          skip: plan.filter((s) => s.action === 'skip').length,
          blocked: plan.filter((s) => s.action === 'blocked').length,
        };
        const registered: Registered[] = [];
        const result = { registry: client.name, dry_run: args.dry_run, summary, plan, registered };
        if (args.dry_run || summary.register === 0) return result;
        requireConfirmation(
          confirmation,
          args.confirm,
          `Register ${count(summary.register, 'schema')} in ${count(new Set(plan.filter((s) => s.action === 'register').map((s) => s.subject)).size, 'subject')} of registry ${client.name}` +
            `${summary.blocked > 0 ? ` (${summary.blocked} blocked, left out)` : ''}? A backup is written first.`,
        );

        const schemaOf = new Map(
          subjects.flatMap((s) => s.versions.map((v) => [landingKey(s.subject, v.version), v] as const)),
        );
        const landing = new Map<string, number | null>(
          plan.map((s) => [
            landingKey(s.subject, s.version),
            s.action === 'skip' ? (s.target_version ?? null) : null,
          ]),
        );
        const steps: BulkStep[] = plan
          .filter((s) => s.action === 'register')
          .map((step) => ({
            subject: step.subject,
            action: `register version ${step.version}${step.keep_id ? ` with id ${step.id}` : ''}`,
            run: async () => {
              const key = landingKey(step.subject, step.version);
              const schema = schemaOf.get(key) as SubjectToRegister['versions'][number];
              const done = await registerStep(client, step, schema, landing, facts);
              landing.set(key, done.version);
              registered.push(done);
            },
          }));
        const report = await runBulkTool(client, steps, {
          label: 'bulk_register',
          backupDir: options.backupDir,
          signal,
          continueOnError: args.continue_on_error,
          progress,
        });
        return { ...result, run: report };
      },
    }),
  ];
}
