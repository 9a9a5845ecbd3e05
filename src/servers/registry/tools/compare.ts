import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { canonicalContent, contextOf, snapshot } from '../snapshot.js';
import { contextArg, READ_ONLY, type RegistryContext } from './shared.js';

const READ_REMOTE = { ...READ_ONLY, openWorldHint: true };

const inContext = (context: string | undefined) => (subject: string) =>
  context === undefined || contextOf(subject) === (context.startsWith('.') ? context : `.${context}`);

export function compareTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'compare_registries',
      title: 'Compare two registries by schema content',
      description:
        'Compares two registries subject by subject and version by version on what the schemas say (canonical ' +
        'form: key order, whitespace and comments do not count), not on version numbers alone: subjects only on ' +
        'one side, versions only on one side, and versions whose content differs.',
      input: z.object({
        source: z.string().describe('Registry name to compare from'),
        target: z.string().describe('Registry name to compare with'),
        context: contextArg,
      }),
      output: z.object({
        only_in_source: z.array(z.string()),
        only_in_target: z.array(z.string()),
        differing: z.array(z.object({ subject: z.string(), version: z.number(), reason: z.string() })),
        identical_versions: z.number().int(),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal, progress }) {
        const source = ctx.pick(args.source);
        const target = ctx.pick(args.target);
        const keep = inContext(args.context);
        const [a, b] = [
          await snapshot(
            source,
            keep,
            signal,
            (done, total) => void progress(done, total * 2, 'reading the source'),
          ),
          await snapshot(
            target,
            keep,
            signal,
            (done, total) => void progress(total + done, total * 2, 'reading the target'),
          ),
        ];
        const bySubject = new Map(b.map((s) => [s.subject, s]));
        const differing: { subject: string; version: number; reason: string }[] = [];
        let identical = 0;
        for (const subject of a) {
          const other = bySubject.get(subject.subject);
          if (!other) continue;
          const otherVersions = new Map(other.versions.map((v) => [v.version, v]));
          for (const version of subject.versions) {
            const counterpart = otherVersions.get(version.version);
            if (!counterpart)
              differing.push({
                subject: subject.subject,
                version: version.version,
                reason: 'only in the source',
              });
            else if (canonicalContent(version) !== canonicalContent(counterpart)) {
              differing.push({
                subject: subject.subject,
                version: version.version,
                reason: 'content differs',
              });
            } else identical++;
          }
          for (const version of other.versions) {
            if (!subject.versions.some((v) => v.version === version.version)) {
              differing.push({
                subject: subject.subject,
                version: version.version,
                reason: 'only in the target',
              });
            }
          }
        }
        const names = new Set(a.map((s) => s.subject));
        return {
          only_in_source: a.filter((s) => !bySubject.has(s.subject)).map((s) => s.subject),
          only_in_target: b.filter((s) => !names.has(s.subject)).map((s) => s.subject),
          differing,
          identical_versions: identical,
        };
      },
    }),
    defineTool({
      name: 'find_missing_schemas',
      title: 'Schemas one registry has and another lacks',
      description:
        'Lists the schemas (by content, under any subject) in the source registry that the target does not have ' +
        'at all, with where they live in the source: what a migration would have to copy.',
      input: z.object({ source: z.string(), target: z.string(), context: contextArg }),
      output: z.object({
        missing: z.array(
          z.object({ subject: z.string(), version: z.number(), id: z.number(), schemaType: z.string() }),
        ),
      }),
      annotations: READ_REMOTE,
      async handler(args, { signal }) {
        const keep = inContext(args.context);
        const source = await snapshot(ctx.pick(args.source), keep, signal);
        const target = await snapshot(ctx.pick(args.target), () => true, signal);
        const present = new Set(target.flatMap((s) => s.versions.map(canonicalContent)));
        return {
          missing: source.flatMap((s) =>
            s.versions
              .filter((v) => !present.has(canonicalContent(v)))
              .map((v) => ({ subject: s.subject, version: v.version, id: v.id, schemaType: v.schemaType })),
          ),
        };
      },
    }),
  ];
}
