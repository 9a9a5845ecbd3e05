import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { readSubjectSetting } from '../subject-setting.js';
import {
  contextArg,
  path,
  qualify,
  READ_ONLY,
  type RegistryContext,
  referencesArg,
  registryArg,
  schemaOutput,
  schemaTypeArg,
  subjectArg,
  versionArg,
} from './shared.js';

const READ_REMOTE = { ...READ_ONLY, openWorldHint: true };

interface VersionBody {
  subject: string;
  id: number;
  version: number;
  schemaType?: 'AVRO' | 'JSON' | 'PROTOBUF';
  schema: string;
  references?: { name: string; subject: string; version: number }[];
}

export function readTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'list_registries',
      title: 'List the configured Schema Registries',
      description:
        'Lists the Schema Registries this server can reach: name, URL (no password), auth kind, mTLS, and whether it is view-only.',
      input: z.object({}),
      output: z.object({
        registries: z.array(
          z.object({
            name: z.string(),
            url: z.string(),
            auth: z.enum(['none', 'basic', 'bearer']),
            mtls: z.boolean(),
            viewonly: z.boolean(),
          }),
        ),
      }),
      annotations: READ_ONLY,
      async handler() {
        return {
          registries: ctx.clients.map((c) => ({
            name: c.name,
            url: c.describe(),
            auth: c.entry.token
              ? ('bearer' as const)
              : c.entry.username !== undefined
                ? ('basic' as const)
                : ('none' as const),
            mtls: c.entry.tlsCert !== undefined,
            viewonly: c.entry.viewonly,
          })),
        };
      },
    }),
    defineTool({
      name: 'test_registry_connection',
      title: 'Test a registry connection',
      description:
        'Checks that a registry answers with these credentials: its global compatibility, mode and schema types, and how long it took.',
      input: z.object({ registry: registryArg }),
      output: z.object({
        registry: z.string(),
        reachable: z.boolean(),
        ms: z.number(),
        compatibility: z.string().optional(),
        mode: z.string().optional(),
        schema_types: z.array(z.string()).optional(),
        error: z.string().optional(),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const started = performance.now();
        try {
          const config = await client.call<{ compatibilityLevel: string }>(
            'GET',
            '/config',
            undefined,
            signal,
          );
          const mode = await client
            .call<{ mode: string }>('GET', '/mode', undefined, signal)
            .catch(() => undefined);
          const types = await client
            .call<string[]>('GET', '/schemas/types', undefined, signal)
            .catch(() => undefined);
          return {
            registry: client.name,
            reachable: true,
            ms: Math.round(performance.now() - started),
            compatibility: config.compatibilityLevel,
            ...(mode ? { mode: mode.mode } : {}),
            ...(types ? { schema_types: types } : {}),
          };
        } catch (error) {
          return {
            registry: client.name,
            reachable: false,
            ms: Math.round(performance.now() - started),
            error: (error as Error).message,
          };
        }
      },
    }),
    defineTool({
      name: 'list_subjects',
      title: 'List subjects',
      description:
        'Lists the subjects of a registry (in a context), optionally by prefix and including soft-deleted ones.',
      input: z.object({
        registry: registryArg,
        context: contextArg,
        prefix: z.string().optional().describe('Only subjects that start with this'),
        deleted: z.boolean().default(false).describe('Include soft-deleted subjects'),
      }),
      output: z.object({ registry: z.string(), subjects: z.array(z.string()) }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const prefix = qualify(args.prefix ?? '', args.context);
        const query = new URLSearchParams({
          ...(prefix ? { subjectPrefix: prefix } : {}),
          ...(args.deleted ? { deleted: 'true' } : {}),
        });
        const subjects = await client.call<string[]>(
          'GET',
          `/subjects${query.size ? `?${query}` : ''}`,
          undefined,
          signal,
        );
        return { registry: client.name, subjects };
      },
    }),
    defineTool({
      name: 'get_schema',
      title: 'Get a schema version',
      description:
        'One version of a subject (latest by default): its id, version, type, schema text and references.',
      input: z.object({
        subject: subjectArg,
        version: versionArg,
        registry: registryArg,
        context: contextArg,
        deleted: z.boolean().default(false),
      }),
      output: z.object({
        registry: z.string(),
        subject: z.string(),
        id: z.number(),
        version: z.number(),
        ...schemaOutput,
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const found = await client.call<VersionBody>(
          'GET',
          `${path('subjects', qualify(args.subject, args.context), 'versions', args.version)}${args.deleted ? '?deleted=true' : ''}`,
          undefined,
          signal,
        );
        return {
          registry: client.name,
          subject: found.subject,
          id: found.id,
          version: found.version,
          schemaType: found.schemaType ?? 'AVRO',
          schema: found.schema,
          references: found.references ?? [],
        };
      },
    }),
    defineTool({
      name: 'get_schema_versions',
      title: 'List the versions of a subject',
      description: 'The version numbers of a subject, optionally including soft-deleted ones.',
      input: z.object({
        subject: subjectArg,
        registry: registryArg,
        context: contextArg,
        deleted: z.boolean().default(false),
      }),
      output: z.object({ registry: z.string(), subject: z.string(), versions: z.array(z.number()) }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const subject = qualify(args.subject, args.context);
        const versions = await client.call<number[]>(
          'GET',
          `${path('subjects', subject, 'versions')}${args.deleted ? '?deleted=true' : ''}`,
          undefined,
          signal,
        );
        return { registry: client.name, subject, versions };
      },
    }),
    defineTool({
      name: 'get_schema_by_id',
      title: 'Get a schema by id',
      description: 'The schema with a global id (the id in every Kafka message it encoded).',
      input: z.object({ id: z.number().int().min(0).describe('Schema id'), registry: registryArg }),
      output: z.object({ registry: z.string(), id: z.number(), ...schemaOutput }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const found = await client.call<Omit<VersionBody, 'subject' | 'id' | 'version'>>(
          'GET',
          path('schemas', 'ids', args.id),
          undefined,
          signal,
        );
        return {
          registry: client.name,
          id: args.id,
          schemaType: found.schemaType ?? 'AVRO',
          schema: found.schema,
          references: found.references ?? [],
        };
      },
    }),
    defineTool({
      name: 'get_subjects_by_schema_id',
      title: 'Which subjects use a schema',
      description: 'Every subject and version registered with a schema id.',
      input: z.object({
        id: z.number().int().min(0),
        registry: registryArg,
        deleted: z.boolean().default(false),
      }),
      output: z.object({
        registry: z.string(),
        id: z.number(),
        versions: z.array(z.object({ subject: z.string(), version: z.number() })),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const versions = await client.call<{ subject: string; version: number }[]>(
          'GET',
          `${path('schemas', 'ids', args.id, 'versions')}${args.deleted ? '?deleted=true' : ''}`,
          undefined,
          signal,
        );
        return { registry: client.name, id: args.id, versions };
      },
    }),
    defineTool({
      name: 'get_global_config',
      title: 'Get the global compatibility level',
      description: 'The compatibility level subjects use unless they set their own.',
      input: z.object({ registry: registryArg }),
      output: z.object({ registry: z.string(), compatibility: z.string() }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const config = await client.call<{ compatibilityLevel: string }>('GET', '/config', undefined, signal);
        return { registry: client.name, compatibility: config.compatibilityLevel };
      },
    }),
    defineTool({
      name: 'get_subject_config',
      title: "Get a subject's compatibility level",
      description: "A subject's compatibility level, and whether it is its own or the global one.",
      input: z.object({ subject: subjectArg, registry: registryArg, context: contextArg }),
      output: z.object({
        registry: z.string(),
        subject: z.string(),
        compatibility: z.string(),
        inherited: z.boolean(),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const subject = qualify(args.subject, args.context);
        const { value, inherited } = await readSubjectSetting(client, 'config', subject, signal);
        return { registry: client.name, subject, compatibility: value, inherited };
      },
    }),
    defineTool({
      name: 'get_mode',
      title: 'Get the global mode',
      description: 'READWRITE, READONLY or IMPORT for the whole registry.',
      input: z.object({ registry: registryArg }),
      output: z.object({ registry: z.string(), mode: z.string() }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        return {
          registry: client.name,
          mode: (await client.call<{ mode: string }>('GET', '/mode', undefined, signal)).mode,
        };
      },
    }),
    defineTool({
      name: 'get_subject_mode',
      title: "Get a subject's mode",
      description: "A subject's mode, and whether it is its own or the global one.",
      input: z.object({ subject: subjectArg, registry: registryArg, context: contextArg }),
      output: z.object({
        registry: z.string(),
        subject: z.string(),
        mode: z.string(),
        inherited: z.boolean(),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const subject = qualify(args.subject, args.context);
        const { value, inherited } = await readSubjectSetting(client, 'mode', subject, signal);
        return { registry: client.name, subject, mode: value, inherited };
      },
    }),
    defineTool({
      name: 'list_contexts',
      title: 'List schema contexts',
      description: 'The schema contexts of a registry ("." is the default one).',
      input: z.object({ registry: registryArg }),
      output: z.object({ registry: z.string(), contexts: z.array(z.string()) }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        return {
          registry: client.name,
          contexts: await client.call<string[]>('GET', '/contexts', undefined, signal),
        };
      },
    }),
    defineTool({
      name: 'check_compatibility',
      title: 'Check a schema against a subject',
      description:
        "Whether a schema may be registered under a subject at the subject's configured compatibility level (against " +
        'every version when the level is transitive), or against one version; with the reasons when it may not.',
      input: z.object({
        subject: subjectArg,
        schema: z.string().min(1).describe('The schema text (Avro or JSON Schema JSON, or .proto source)'),
        schema_type: schemaTypeArg,
        references: referencesArg,
        version: z
          .union([z.number().int().min(1), z.literal('latest')])
          .optional()
          .describe('One version to check against; default as registration would'),
        normalize: z.boolean().default(false),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({
        registry: z.string(),
        subject: z.string(),
        compatible: z.boolean(),
        level: z.string(),
        messages: z.array(z.string()),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const client = ctx.pick(args.registry);
        const subject = qualify(args.subject, args.context);
        const level = await client
          .call<{ compatibilityLevel: string }>(
            'GET',
            `${path('config', subject)}?defaultToGlobal=true`,
            undefined,
            signal,
          )
          .then((c) => c.compatibilityLevel);
        const target =
          args.version === undefined
            ? path('compatibility', 'subjects', subject, 'versions')
            : path('compatibility', 'subjects', subject, 'versions', args.version);
        const answer = await client.call<{ is_compatible: boolean; messages?: string[] }>(
          'POST',
          `${target}?verbose=true${args.normalize ? '&normalize=true' : ''}`,
          { schema: args.schema, schemaType: args.schema_type, references: args.references },
          signal,
        );
        return {
          registry: client.name,
          subject,
          compatible: answer.is_compatible,
          level,
          messages: answer.messages ?? [],
        };
      },
    }),
  ];
}
