import { z } from 'zod';
import { defineTool, READ_ONLY } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { type AvroSource, toAvroIdl } from '../avro-idl.js';
import type { RegistryClient } from '../client.js';
import { contextArg, path, qualify, type RegistryContext, registryArg, subjectArg } from './shared.js';
import { bundleSchema } from './transfer.js';

/** Most schemas one export reads, the subjects asked for and every schema they reference together. */
export const MAX_IDL_SCHEMAS = 200;

interface Version {
  subject: string;
  version: number;
  id: number;
  schemaType?: string;
  schema: string;
  references?: { name: string; subject: string; version: number }[];
}

/** Finds one subject version: in a registry, or in an export bundle. */
type Lookup = (subject: string, version: number | 'latest') => Promise<Version>;

const registryLookup =
  (client: RegistryClient, signal: AbortSignal): Lookup =>
  (subject, version) =>
    client.call<Version>('GET', path('subjects', subject, 'versions', version), undefined, signal);

function bundleLookup(bundle: z.output<typeof bundleSchema>): Lookup {
  return async (subject, version) => {
    const entry = bundle.subjects.find((s) => s.subject === subject);
    const versions = entry?.versions ?? [];
    const found =
      version === 'latest'
        ? versions.reduce<(typeof versions)[number] | undefined>(
            (a, b) => (a === undefined || b.version > a.version ? b : a),
            undefined,
          )
        : versions.find((v) => v.version === version);
    if (!found)
      throw new Refusal(
        `the bundle has no version ${version} of subject ${subject} (bundle from ${bundle.source})`,
      );
    return { subject, ...found };
  };
}

/**
 * The versions asked for and, before each, every schema it references (depth first, each once), so that the
 * printer meets a type's definition before its uses.
 */
async function withReferences(
  lookup: Lookup,
  wanted: readonly { subject: string; version: number | 'latest' }[],
): Promise<{ sources: AvroSource[]; read: Version[] }> {
  const sources: AvroSource[] = [];
  const read: Version[] = [];
  const seen = new Set<string>();
  const visit = async (subject: string, version: number | 'latest', from: string | undefined) => {
    const found = await lookup(subject, version);
    const key = `${found.subject}@${found.version}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > MAX_IDL_SCHEMAS)
      throw new Refusal(
        `more than ${MAX_IDL_SCHEMAS} schemas with their references; export fewer subjects at once`,
      );
    const type = found.schemaType ?? 'AVRO';
    if (type !== 'AVRO')
      throw new Refusal(
        `${from ? `${from} references ` : ''}subject ${found.subject} version ${found.version}, a ${type} schema; ` +
          'only Avro schemas have an Avro IDL form',
      );
    for (const ref of found.references ?? [])
      await visit(ref.subject, ref.version, `${found.subject} v${found.version}`);
    let schema: unknown;
    try {
      schema = JSON.parse(found.schema);
    } catch {
      throw new Refusal(`subject ${found.subject} version ${found.version} is not Avro JSON`);
    }
    sources.push({ label: `${found.subject} v${found.version}`, schema });
    read.push(found);
  };
  for (const w of wanted) await visit(w.subject, w.version, undefined);
  return { sources, read };
}

/** A protocol name from a subject: "orders-value" becomes "OrdersValue". */
export function protocolNameFor(subject: string): string {
  const words = subject
    .replace(/^:\.[^:]*:/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const name = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z_]/.test(name) ? name : `Schemas${name}`;
}

export function idlTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'export_avro_idl',
      title: 'Export Avro schemas as Avro IDL',
      description:
        'Renders Avro subjects (a version each, default latest) as one Avro IDL protocol: records, errors, enums ' +
        'and fixed declared with their namespaces, docs, aliases, defaults, logical types and other properties, ' +
        'unions, arrays and maps in place, and every schema they reference resolved and declared first. ' +
        'From a registry, or from an export bundle (export_*) without calling any registry. JSON Schema and ' +
        'Protobuf subjects are refused.',
      input: z.object({
        subjects: z
          .array(
            z.object({
              subject: subjectArg,
              version: z.union([z.number().int().min(1), z.literal('latest')]).default('latest'),
            }),
          )
          .min(1)
          .max(50)
          .optional()
          .describe(
            'The subjects to export, each with a version number or "latest"; with a bundle, default every subject in it',
          ),
        bundle: bundleSchema
          .optional()
          .describe('An export bundle (from export_*) to read the schemas from instead of a registry'),
        protocol: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an Avro name such as "Orders"')
          .optional()
          .describe('The protocol name; default from the first subject ("orders-value" gives "OrdersValue")'),
        namespace: z
          .string()
          .regex(/^([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'a dotted Avro namespace')
          .optional()
          .describe("The protocol's namespace; default the last subject's top-level namespace"),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({
        registry: z.string().describe('The registry read, or "bundle"'),
        protocol: z.string(),
        idl: z.string(),
        types: z.array(z.string()).describe('Full names of the declared types, in order'),
        schemas: z
          .array(z.object({ subject: z.string(), version: z.number(), id: z.number() }))
          .describe('Every schema read, references first'),
        notes: z.array(z.string()),
      }),
      annotations: { ...READ_ONLY, openWorldHint: true },
      present: (result) => result.idl,
      async handler(args, { signal }) {
        const chosen =
          args.subjects ??
          args.bundle?.subjects.map((s) => ({ subject: s.subject, version: 'latest' as const }));
        if (!chosen || chosen.length === 0)
          throw new Refusal('name the subjects to export, or give a bundle that holds some');
        const wanted = chosen.map((s) => ({ subject: qualify(s.subject, args.context), version: s.version }));
        const source = args.bundle
          ? { name: 'bundle', lookup: bundleLookup(args.bundle) }
          : (() => {
              const client = ctx.pick(args.registry);
              return { name: client.name, lookup: registryLookup(client, signal) };
            })();
        const { sources, read } = await withReferences(source.lookup, wanted);
        const protocol = args.protocol ?? protocolNameFor((chosen[0] as { subject: string }).subject);
        const printed = toAvroIdl(sources, protocol, args.namespace);
        return {
          registry: source.name,
          protocol,
          idl: printed.idl,
          types: [...printed.types],
          schemas: read.map((v) => ({ subject: v.subject, version: v.version, id: v.id })),
          notes: [...printed.notes],
        };
      },
    }),
  ];
}
