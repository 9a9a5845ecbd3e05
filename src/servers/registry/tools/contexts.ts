import { z } from 'zod';
import { defineTool, READ_ONLY } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { contextName, namedContextArg, type RegistryContext, registryArg } from './shared.js';
import { writable } from './write.js';

/**
 * `create_context`, honestly: a Confluent-compatible registry (ours included) has no call that creates an empty
 * context; a context exists once a subject qualified with it (`:.staging:orders-value`) has a version. So this
 * checks the name and the registry, says whether the context is already there, and how to bring it into being:
 * it writes nothing.
 */
export function contextTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'create_context',
      title: 'Prepare a schema context',
      description:
        'Checks a context name (".staging") against a registry and says whether the context exists. Writes nothing: ' +
        'Schema Registries have no call that creates an empty context; it appears, in list_contexts too, when the ' +
        'first schema is registered under a subject in it (register_schema with `context`). Refused on view-only ' +
        'registries, where no schema can be registered.',
      input: z.object({ context: namedContextArg, registry: registryArg }),
      output: z.object({
        registry: z.string(),
        context: z.string(),
        exists: z.boolean().describe('True when a subject (live or soft-deleted) is already in the context'),
        created: z.literal(false).describe('Always false: registries create a context on first registration'),
        next_step: z.string(),
      }),
      annotations: { ...READ_ONLY, openWorldHint: true },
      async handler(args, { signal }) {
        const context = contextName(args.context);
        if (context === '.' || /^\.+$/.test(context) || context.includes('..'))
          throw new Refusal(`context "${args.context}" is not a context name; use a name like ".staging"`);
        const client = writable(ctx, args.registry, 'creating a context');
        const contexts = await client.call<string[]>('GET', '/contexts', undefined, signal);
        const exists = contexts.includes(context);
        return {
          registry: client.name,
          context,
          exists,
          created: false as const,
          next_step: exists
            ? `Context ${context} already exists; register schemas in it with register_schema and context: "${context}".`
            : `Register a schema with register_schema and context: "${context}" (subject :${context}:<name>); ` +
              'the context exists from that first version on.',
        };
      },
    }),
  ];
}
