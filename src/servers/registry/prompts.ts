import type { PromptDefinition } from '../../core/define.js';
import type { RegistryClient } from './client.js';
import type { RegistryContext } from './tools/shared.js';

/** One line per registry: reachable or not, its compatibility, subject count and whether writes are allowed. */
async function describeRegistry(client: RegistryClient, signal: AbortSignal): Promise<string> {
  const access = client.entry.viewonly ? 'view-only' : 'writable';
  try {
    const config = await client.call<{ compatibilityLevel: string }>('GET', '/config', undefined, signal);
    const subjects = await client.call<string[]>('GET', '/subjects', undefined, signal);
    const contexts = await client.call<string[]>('GET', '/contexts', undefined, signal).catch(() => ['.']);
    return `- ${client.name} (${client.describe()}, ${access}): ${subjects.length} subjects in ${contexts.length} context(s) ${contexts.join(' ')}, compatibility ${config.compatibilityLevel}`;
  } catch (error) {
    return `- ${client.name} (${client.describe()}, ${access}): not reachable (${(error as Error).message})`;
  }
}

async function overview(ctx: RegistryContext, signal: AbortSignal): Promise<string> {
  if (ctx.clients.length === 0)
    return 'No registries are configured: add them under registry.registries in rampart.yaml, or set SCHEMA_REGISTRY_URL.';
  return (await Promise.all(ctx.clients.map((c) => describeRegistry(c, signal)))).join('\n');
}

export function registryPrompts(ctx: RegistryContext): PromptDefinition[] {
  return [
    {
      name: 'registry_overview',
      title: 'Where the registries stand',
      description:
        'Each configured registry: reachable, how many subjects and contexts, compatibility, view-only',
      text: async (signal) =>
        [
          'The Schema Registries this server reaches:',
          await overview(ctx, signal),
          '',
          'Ask the user what they want to look at or change. statistics gives counts per context and type; ' +
            'compare_registries and find_missing_schemas show how two registries differ by content.',
        ].join('\n'),
    },
    {
      name: 'migrate_context_safely',
      title: 'Migrate a context, safely',
      description: 'A checklist for copying a context between registries with ids kept, dry run first',
      text: async (signal) =>
        [
          'Registries:',
          await overview(ctx, signal),
          '',
          '1. Ask the user for the source and target registry and context (view-only registries cannot be targets).',
          '2. compare_registries (source, target, context) to see what differs by content.',
          '3. migrate_context with dry_run left on: read every step (register / skip / blocked) with the user.',
          '4. Resolve blocked steps first (they reference subjects the target lacks).',
          '5. Run migrate_context with dry_run: false. Adding to subjects that already have versions is confirmed ' +
            'by the user.',
          '6. compare_registries again: nothing should differ. Report failures from the result, if any.',
        ].join('\n'),
    },
    {
      name: 'evolve_schema',
      title: 'Evolve a schema without breaking consumers',
      description: "Steps to change a subject's schema within its compatibility level",
      text: async (signal) =>
        [
          'Registries:',
          await overview(ctx, signal),
          '',
          "1. get_schema for the subject's latest version, and get_subject_config for its compatibility level.",
          '2. Draft the change. Under BACKWARD, new fields need defaults; under FORWARD, removed fields need them; ' +
            'FULL needs both. *_TRANSITIVE checks every earlier version, not just the latest.',
          '3. check_compatibility with the draft; fix whatever it reports, then check again.',
          '4. Show the user the diff and the result; register_schema only after they agree.',
        ].join('\n'),
    },
  ];
}
