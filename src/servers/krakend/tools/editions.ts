import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { editionOf, namespacesUsed } from '../editions.js';
import type { Feature, Scope } from '../schema/catalog.js';
import {
  catalogFor,
  catalogSourceSchema,
  configArgument,
  type KrakendContext,
  parseConfigJson,
  READ_ONLY,
  readConfig,
  versionArgument,
} from './shared.js';

const edition = z.enum(['ce', 'ee']);

export function checkEditionTool(ctx: KrakendContext) {
  return defineTool({
    name: 'check_edition_compatibility',
    title: 'Which KrakenD edition a config needs',
    description:
      'Tells whether a config runs on KrakenD Community Edition or needs Enterprise, by looking up every ' +
      'extra_config namespace it uses (service, endpoints, backends, workflows, async agents) in the schema of its ' +
      'version. Edition facts come from the schema documents themselves, not a hand-kept list. Namespaces the ' +
      'schema does not know in that place are listed separately.',
    input: z.object({ config: configArgument, version: versionArgument }),
    output: z.object({
      edition: edition.describe('The edition the config needs'),
      requires_ee: z.boolean(),
      ce_compatible: z.boolean(),
      ee_features: z.array(z.string()).describe('Enterprise-only namespaces used'),
      feature_details: z.array(
        z.object({
          namespace: z.string(),
          scope: z.string(),
          pointer: z.string(),
          edition: edition.optional(),
          title: z.string().optional(),
          known: z.boolean().describe('Whether this schema version knows the namespace in this place'),
        }),
      ),
      unknown_namespaces: z.array(z.string()),
      schema_version: z.string(),
      catalog_source: catalogSourceSchema,
      schema_unavailable: z.string().optional().describe('Why the schema was not used, and how to get it'),
      message: z.string(),
    }),
    annotations: READ_ONLY,
    async handler(args, { signal }) {
      const config = parseConfigJson(await readConfig(ctx, args.config));
      const { catalog, source, unavailable } = await catalogFor(ctx, config, args.version, signal);
      const uses = namespacesUsed(config, catalog);
      const report = editionOf(uses);
      const eeFeatures = [...new Set(report.enterpriseOnly.map((u) => u.namespace))];
      const unknown = [...new Set(uses.filter((u) => !u.feature).map((u) => u.namespace))];
      return {
        edition: report.required,
        requires_ee: report.required === 'ee',
        ce_compatible: report.required === 'ce',
        ee_features: eeFeatures,
        feature_details: uses.map((u) => ({
          namespace: u.namespace,
          scope: u.scope,
          pointer: u.pointer,
          known: u.feature !== undefined,
          ...(u.feature ? { edition: u.feature.edition, title: u.feature.title } : {}),
        })),
        unknown_namespaces: unknown,
        schema_version: catalog.version,
        catalog_source: source,
        ...(unavailable ? { schema_unavailable: unavailable } : {}),
        message:
          report.required === 'ee'
            ? `Needs KrakenD Enterprise: uses ${eeFeatures.length} Enterprise-only namespace(s): ${eeFeatures.join(', ')}`
            : 'Runs on KrakenD Community Edition',
      };
    },
    present: (result) =>
      [
        result.message,
        ...(result.unknown_namespaces.length > 0
          ? [
              `not known to the v${result.schema_version} schema here: ${result.unknown_namespaces.join(', ')}`,
            ]
          : []),
        ...(result.schema_unavailable
          ? [`(from Rampart's own namespace list: the schema is ${result.schema_unavailable})`]
          : []),
      ].join('\n'),
  });
}

interface ListedFeature {
  name: string;
  namespace: string;
  scopes: Scope[];
  edition: 'ce' | 'ee' | 'both';
  category: string;
  description: string;
  docs_url?: string;
}

/** One entry per namespace; a namespace that is CE in one scope and EE in another is "both". */
function group(features: readonly Feature[]): ListedFeature[] {
  const byNamespace = new Map<string, ListedFeature>();
  for (const f of features) {
    const existing = byNamespace.get(f.namespace);
    if (existing) {
      if (!existing.scopes.includes(f.scope)) existing.scopes.push(f.scope);
      if (existing.edition !== f.edition) existing.edition = 'both';
      continue;
    }
    byNamespace.set(f.namespace, {
      name: f.title,
      namespace: f.namespace,
      scopes: [f.scope],
      edition: f.edition,
      category: f.namespace.includes('/') ? (f.namespace.split('/')[0] as string) : f.namespace,
      description: f.description,
      ...(f.docsUrl ? { docs_url: f.docsUrl } : {}),
    });
  }
  return [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
}

export function listFeaturesTool(ctx: KrakendContext) {
  return defineTool({
    name: 'list_features',
    title: 'List KrakenD features',
    description:
      'Lists every KrakenD feature (extra_config namespace) of a schema version with its name, the scopes where it ' +
      'goes (service, endpoint, backend, workflow, async_agent), its edition (ce, ee, or both when it differs by ' +
      'scope), category and description, read from the schema itself. Filter with `ee` and a `query` over name, ' +
      'namespace and description.',
    input: z.object({
      ee: z.boolean().optional().describe('true: only Enterprise features; false: only Community features'),
      query: z.string().max(200).optional().describe('Case-insensitive words that must all appear'),
      scope: z.enum(['service', 'endpoint', 'backend', 'async_agent', 'workflow']).optional(),
      version: versionArgument,
    }),
    output: z.object({
      version: z.string(),
      count: z.number().int(),
      features: z.array(
        z.object({
          name: z.string(),
          namespace: z.string(),
          scopes: z.array(z.string()),
          edition: z.enum(['ce', 'ee', 'both']),
          category: z.string(),
          description: z.string(),
          docs_url: z.string().optional(),
        }),
      ),
      catalog_source: catalogSourceSchema,
      schema_unavailable: z
        .string()
        .optional()
        .describe('Why the schema was not used (descriptions come with it), and how to get it'),
    }),
    annotations: READ_ONLY,
    async handler(args, { signal }) {
      const { catalog, source, unavailable } = await catalogFor(ctx, undefined, args.version, signal);
      const words = (args.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const features = group(catalog.features.filter((f) => !args.scope || f.scope === args.scope)).filter(
        (f) => {
          if (args.ee === true && f.edition === 'ce') return false;
          if (args.ee === false && f.edition === 'ee') return false;
          const haystack = `${f.name} ${f.namespace} ${f.description}`.toLowerCase();
          return words.every((w) => haystack.includes(w));
        },
      );
      return {
        version: catalog.version,
        count: features.length,
        features,
        catalog_source: source,
        ...(unavailable ? { schema_unavailable: unavailable } : {}),
      };
    },
    present: (result) =>
      [
        `${result.count} feature(s) in KrakenD v${result.version}:`,
        ...(result.schema_unavailable
          ? [`(Rampart's own list; descriptions need the schema, which is ${result.schema_unavailable})`]
          : []),
        ...result.features.map((f) => `${f.namespace} [${f.edition}] (${f.scopes.join(', ')}): ${f.name}`),
      ].join('\n'),
  });
}
