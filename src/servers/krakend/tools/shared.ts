import { z } from 'zod';
import { Refusal } from '../../../core/errors.js';
import type { Sandbox } from '../../../core/sandbox.js';
import { exceedsTextDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../../guards/limits.js';
import type { DocsLibrary } from '../docs/library.js';
import { detectFlexibleConfiguration } from '../flexible.js';
import { type ConfigText, readConfigArgument } from '../input.js';
import type { Installed } from '../native.js';
import { syntaxProblems } from '../positions.js';
import { schemaWithin } from '../schema/bounded.js';
import type { Catalog } from '../schema/catalog.js';
import { isObject } from '../schema/documents.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { parseSchemaUrl, type SchemaTarget } from '../schema/versions.js';

export interface InstalledTools {
  readonly krakend?: Installed;
  readonly docker?: Installed;
}

export interface KrakendContext {
  readonly registry: SchemaRegistry;
  readonly docs: DocsLibrary;
  readonly sandbox: Sandbox;
  readonly maxConfigBytes: number;
  /** What is installed, looked up once on first use. */
  installed(): Promise<InstalledTools>;
}

export { READ_ONLY } from '../../../core/define.js';

export const configArgument = z
  .string()
  .min(1)
  .describe(
    'The KrakenD config: its JSON text, or the path of a file inside the allowed directories (krakend.json, a .tmpl template)',
  );

export const issueSchema = z.object({
  pointer: z.string().describe('JSON pointer to the offending value or key ("" is the whole config)'),
  line: z.number().int().describe('Line of the offending key or value, from 1'),
  column: z.number().int().describe('Column, from 1'),
  message: z.string(),
  code: z
    .string()
    .describe('invalid_json, unknown_key, missing_key, wrong_type, not_allowed_value, enterprise_only, …'),
  hint: z
    .string()
    .optional()
    .describe('What the schemas say about it: another scope, another version, a 1.x name'),
  template_file: z
    .string()
    .optional()
    .describe('For a rendered Flexible Configuration: the template, partial or $ref file that produced it'),
  template_line: z.number().int().optional().describe('The line in that file'),
});

export async function readConfig(ctx: KrakendContext, value: string, label = 'config'): Promise<ConfigText> {
  return readConfigArgument(value, ctx.sandbox, ctx.maxConfigBytes, label);
}

/** Parses a config's JSON, refusing with the first syntax problem's line and column. */
export function parseConfigJson(
  config: ConfigText,
  { rendered = false }: { rendered?: boolean } = {},
): Record<string, unknown> {
  // A rendered config may hold `{{` as text (an Enterprise raw partial), so only a config as given is asked.
  if (!rendered && detectFlexibleConfiguration(config.text).detected) {
    throw new Refusal(
      `${config.label} is a Flexible Configuration template; render it (FC_ENABLE=1 … FC_OUT=out.json) and pass the rendered file`,
    );
  }
  // The audit rules and the edition walk recurse on the config: its depth is bounded first.
  if (exceedsTextDepth(config.text, MAX_JSON_DEPTH)) throw new Refusal(tooDeepMessage(config.label));
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.text);
  } catch {
    const first = syntaxProblems(config.text)[0];
    const where = first ? ` at line ${first.line}, column ${first.column}: ${first.message}` : '';
    throw new Refusal(`${config.label} is not valid JSON${where}`);
  }
  if (!isObject(parsed)) throw new Refusal(`${config.label} is not a JSON object`);
  return parsed;
}

export interface CatalogAnswer {
  readonly catalog: Catalog;
  /** `schema`: the version's schema; `rampart`: Rampart's own list, when no schema could be had. */
  readonly source: 'schema' | 'rampart';
  /** Why the schema was not used, and what to do about it. */
  readonly unavailable?: string;
}

/**
 * The catalog of the version asked for, or the one a config names (else the latest), for edition and feature
 * questions; without a schema (a first run offline), Rampart's own namespace list answers instead.
 */
export async function catalogFor(
  ctx: KrakendContext,
  config: Record<string, unknown> | undefined,
  version: string | undefined,
  signal: AbortSignal,
): Promise<CatalogAnswer> {
  const target: SchemaTarget = version ? { kind: 'version', version } : parseSchemaUrl(config?.$schema);
  const answer = await schemaWithin(ctx.registry, target, signal);
  if (answer.schema) return { catalog: answer.schema.catalog, source: 'schema' };
  return { catalog: answer.catalog, source: answer.catalogSource, unavailable: answer.unavailable };
}

export const catalogSourceSchema = z
  .enum(['schema', 'rampart'])
  .describe(
    "Where the namespaces came from: the version's schema, or Rampart's own list when none was at hand",
  );

export const versionArgument = z
  .string()
  .regex(/^\d+\.\d+$/, 'a version like 2.13')
  .optional()
  .describe('Schema version, e.g. "2.13"; default: the one the config\'s $schema names, else the latest');
