import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { contextOf, snapshot } from '../snapshot.js';
import { contextName, READ_ONLY, type RegistryContext, registryArg } from './shared.js';

const TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;

export function statisticsTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'statistics',
      title: 'Registry statistics',
      description:
        'Counts what a registry holds, from the registry itself: subjects, versions and distinct schemas per ' +
        'context, schemas per type, how many versions use references, and the subjects with the most versions. ' +
        'Reads every version, so it takes a while on a large registry (progress is reported). `context` narrows ' +
        'it to one context.',
      input: z.object({
        registry: registryArg,
        context: z.string().optional().describe('Only this context, e.g. ".staging"; default all'),
      }),
      output: z.object({
        registry: z.string(),
        subjects: z.number(),
        versions: z.number(),
        schemas: z.number().describe('Distinct schema ids'),
        by_type: z.object({ AVRO: z.number(), JSON: z.number(), PROTOBUF: z.number() }),
        with_references: z.number().describe('Versions that reference other schemas'),
        contexts: z.array(
          z.object({ context: z.string(), subjects: z.number(), versions: z.number(), schemas: z.number() }),
        ),
        largest_subjects: z.array(z.object({ subject: z.string(), versions: z.number() })),
      }),
      annotations: { ...READ_ONLY, openWorldHint: true },
      async handler(args, { signal, progress }) {
        const client = ctx.pick(args.registry);
        const only = args.context === undefined ? undefined : contextName(args.context);
        const subjects = await snapshot(
          client,
          (s) => only === undefined || contextOf(s) === only,
          signal,
          (done, total) => void progress(done, total, 'reading subjects'),
        );
        const versions = subjects.flatMap((s) => s.versions.map((v) => ({ ...v, subject: s.subject })));
        const byContext = new Map<string, typeof versions>();
        for (const s of subjects) byContext.set(contextOf(s.subject), []);
        for (const v of versions) byContext.get(contextOf(v.subject))?.push(v);
        const byType = Object.fromEntries(TYPES.map((t) => [t, 0])) as Record<(typeof TYPES)[number], number>;
        const typeOfId = new Map(versions.map((v) => [v.id, v.schemaType]));
        for (const type of typeOfId.values()) byType[type]++;
        return {
          registry: client.name,
          subjects: subjects.length,
          versions: versions.length,
          schemas: new Set(versions.map((v) => v.id)).size,
          by_type: byType,
          with_references: versions.filter((v) => v.references.length > 0).length,
          contexts: [...byContext.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([context, list]) => ({
              context,
              subjects: new Set(list.map((v) => v.subject)).size,
              versions: list.length,
              schemas: new Set(list.map((v) => v.id)).size,
            })),
          largest_subjects: [...subjects]
            .sort((a, b) => b.versions.length - a.versions.length || a.subject.localeCompare(b.subject))
            .slice(0, 10)
            .map((s) => ({ subject: s.subject, versions: s.versions.length })),
        };
      },
    }),
  ];
}
