import { z } from 'zod';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { COMPATIBILITY_LEVELS, MODES } from '../bulk/config-plan.js';
import type { RegistryClient } from '../client.js';
import {
  contextArg,
  path,
  qualify,
  type RegistryContext,
  referencesArg,
  registryArg,
  schemaTypeArg,
  subjectArg,
} from './shared.js';

const WRITE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

/** The registry to write to, refused when it is configured view-only. */
export function writable(ctx: RegistryContext, name: string | undefined, action: string): RegistryClient {
  const client = ctx.pick(name);
  if (client.entry.viewonly) {
    throw new Refusal(
      `registry ${client.name} is view-only; ${action} is refused (viewonly: true in its configuration)`,
    );
  }
  return client;
}

export function writeTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'register_schema',
      title: 'Register a schema',
      description:
        'Registers a schema under a subject (Avro, JSON Schema or Protobuf, with references), as the next version ' +
        "if the subject's compatibility level allows it. Registering a schema the subject already has returns its " +
        'existing id and version. Refused on view-only registries.',
      input: z.object({
        subject: subjectArg,
        schema: z.string().min(1).describe('The schema text (Avro or JSON Schema JSON, or .proto source)'),
        schema_type: schemaTypeArg,
        references: referencesArg,
        normalize: z.boolean().default(false).describe('Compare and store the schema in normalized form'),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({ registry: z.string(), subject: z.string(), id: z.number(), version: z.number() }),
      annotations: WRITE,
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, 'registering a schema');
        const subject = qualify(args.subject, args.context);
        const body = { schema: args.schema, schemaType: args.schema_type, references: args.references };
        const query = args.normalize ? '?normalize=true' : '';
        await client.call<{ id: number }>(
          'POST',
          `${path('subjects', subject, 'versions')}${query}`,
          body,
          signal,
        );
        const found = await client.call<{ id: number; version: number }>(
          'POST',
          `${path('subjects', subject)}${query}`,
          body,
          signal,
        );
        return { registry: client.name, subject, id: found.id, version: found.version };
      },
    }),
    defineTool({
      name: 'update_global_config',
      title: 'Set the global compatibility level',
      description:
        'Sets the compatibility level subjects use unless they set their own. Refused on view-only registries.',
      input: z.object({ compatibility: z.enum(COMPATIBILITY_LEVELS), registry: registryArg }),
      output: z.object({ registry: z.string(), compatibility: z.string() }),
      annotations: WRITE,
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, 'changing the global compatibility');
        const answer = await client.call<{ compatibility: string }>(
          'PUT',
          '/config',
          { compatibility: args.compatibility },
          signal,
        );
        return { registry: client.name, compatibility: answer.compatibility };
      },
    }),
    defineTool({
      name: 'update_subject_config',
      title: "Set a subject's compatibility level",
      description: "Sets one subject's compatibility level. Refused on view-only registries.",
      input: z.object({
        subject: subjectArg,
        compatibility: z.enum(COMPATIBILITY_LEVELS),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({ registry: z.string(), subject: z.string(), compatibility: z.string() }),
      annotations: WRITE,
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, "changing a subject's compatibility");
        const subject = qualify(args.subject, args.context);
        const answer = await client.call<{ compatibility: string }>(
          'PUT',
          path('config', subject),
          { compatibility: args.compatibility },
          signal,
        );
        return { registry: client.name, subject, compatibility: answer.compatibility };
      },
    }),
    defineTool({
      name: 'update_mode',
      title: 'Set the global mode',
      description:
        'Sets READWRITE, READONLY or IMPORT for the whole registry. IMPORT needs an empty registry unless `force`. ' +
        'Refused on view-only registries.',
      input: z.object({ mode: z.enum(MODES), force: z.boolean().default(false), registry: registryArg }),
      output: z.object({ registry: z.string(), mode: z.string() }),
      annotations: WRITE,
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, 'changing the global mode');
        const answer = await client.call<{ mode: string }>(
          'PUT',
          `/mode${args.force ? '?force=true' : ''}`,
          { mode: args.mode },
          signal,
        );
        return { registry: client.name, mode: answer.mode };
      },
    }),
    defineTool({
      name: 'update_subject_mode',
      title: "Set a subject's mode",
      description:
        "Sets one subject's mode. IMPORT needs an empty subject unless `force`. Refused on view-only registries.",
      input: z.object({
        subject: subjectArg,
        mode: z.enum(MODES),
        force: z.boolean().default(false),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({ registry: z.string(), subject: z.string(), mode: z.string() }),
      annotations: WRITE,
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, "changing a subject's mode");
        const subject = qualify(args.subject, args.context);
        const answer = await client.call<{ mode: string }>(
          'PUT',
          `${path('mode', subject)}${args.force ? '?force=true' : ''}`,
          { mode: args.mode },
          signal,
        );
        return { registry: client.name, subject, mode: answer.mode };
      },
    }),
  ];
}
