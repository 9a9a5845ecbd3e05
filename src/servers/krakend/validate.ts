import { exceedsJsonDepth, exceedsTextDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../guards/limits.js';
import { audit } from './audit/audit.js';
import { complaintsOf, type SchemaComplaint } from './diagnostics.js';
import { editionOf, namespacesUsed } from './editions.js';
import { detectFlexibleConfiguration, type FlexibleReport } from './flexible.js';
import { unknownKeyHint } from './hints.js';
import { DocumentPositions, pointerSegments, syntaxProblems } from './positions.js';
import { schemaWithin } from './schema/bounded.js';
import type { Catalog, Edition } from './schema/catalog.js';
import { isObject } from './schema/documents.js';
import type { LoadedSchema, SchemaRegistry } from './schema/registry.js';
import { parseSchemaUrl, schemaUrlOf } from './schema/versions.js';
import { structureIssues } from './structure.js';

export type IssueCode =
  | 'invalid_json'
  | 'not_an_object'
  | 'unknown_key'
  | 'missing_key'
  | 'wrong_type'
  | 'not_allowed_value'
  | 'schema'
  | 'enterprise_only'
  | 'duplicate'
  | 'unknown_namespace'
  | 'flexible_configuration';

/** One layer of checks and whether it ran: a report never passes silently over a layer it could not run. */
export interface Layer {
  readonly layer: 'json' | 'structure' | 'namespaces' | 'schema' | 'audit' | 'native';
  readonly status: 'ran' | 'unavailable' | 'skipped';
  readonly detail: string;
}

export interface Issue {
  readonly pointer: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly code: IssueCode;
  readonly hint?: string;
}

export interface ValidationReport {
  readonly valid: boolean;
  /** The schema version validated against, e.g. "2.13"; absent when the text never got that far. */
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly versionNote?: string;
  readonly draft?: string;
  readonly schemaOrigin?: string;
  readonly errors: readonly Issue[];
  readonly warnings: readonly Issue[];
  readonly requiredEdition?: Edition;
  readonly flexibleConfiguration?: FlexibleReport;
  readonly layers: readonly Layer[];
  /** Parsed config, for callers that go on (audit, edition check); not part of tool output. */
  readonly config?: Record<string, unknown>;
}

export interface ValidateOptions {
  /** The edition the config must run on: with `ce`, Enterprise-only namespaces are errors; unset, warnings. */
  readonly edition?: Edition;
  readonly signal?: AbortSignal;
  readonly maxIssues?: number;
  /** The text is already a template's output: `{{` in it is data (a raw partial), not a template to render. */
  readonly rendered?: boolean;
}

const DEFAULT_MAX_ISSUES = 200;

/** Validates one KrakenD config's text against the schema version its `$schema` names. */
export async function validateText(
  text: string,
  registry: SchemaRegistry,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const flexible = detectFlexibleConfiguration(options.rendered ? '' : text);
  if (flexible.detected) {
    return {
      ...failedWhole(
        'flexible_configuration',
        'this is a Flexible Configuration template, not a config KrakenD can parse as it is',
        'render it (FC_ENABLE=1 … FC_OUT=out.json krakend check -c <template>) and validate out.json, or pass it as `rendered`',
      ),
      flexibleConfiguration: flexible,
    };
  }
  // Validation, positions and the edition walk recurse on the document: its depth is bounded before any of them.
  // JSON.parse does not recurse, so the parsed tree is measured (a quarter of the cost of reading the text); the
  // text is measured only when it does not parse, before the error finder, which does recurse.
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    if (exceedsTextDepth(text, MAX_JSON_DEPTH))
      return failedWhole('invalid_json', tooDeepMessage('the config'));
    const problems = syntaxProblems(text);
    if (problems.length === 0) return failedWhole('invalid_json', 'not valid JSON');
    return {
      valid: false,
      errors: problems.map((problem): Issue => ({ pointer: '', ...problem, code: 'invalid_json' })),
      warnings: [],
      layers: [{ layer: 'json', status: 'ran', detail: 'not valid JSON: nothing further could run' }],
    };
  }
  if (exceedsJsonDepth(config, MAX_JSON_DEPTH))
    return failedWhole('invalid_json', tooDeepMessage('the config'));
  if (!isObject(config)) return failedWhole('not_an_object', 'a KrakenD config is a JSON object');
  const answer = await schemaWithin(
    registry,
    parseSchemaUrl(config.$schema),
    options.signal ?? new AbortController().signal,
  );
  const schema = answer.schema;
  const catalog = schema ? schema.catalog : answer.catalog;
  const positions = new DocumentPositions(text);
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const layers: Layer[] = [{ layer: 'json', status: 'ran', detail: 'parsed' }];
  if (schema && !schema.validate(config)) {
    const complaints = complaintsOf(schema.validate.errors ?? []);
    const others = complaints.some((c) => c.code === 'unknown_key') ? await registry.localCatalogs() : [];
    for (const complaint of complaints) {
      errors.push(toIssue(complaint, positions, schema.catalog, others));
    }
  }
  // The schema's complaint about a place stands; Rampart's own checks add what it cannot see (routes, params).
  const covered = new Set(errors.map((e) => e.pointer));
  const structural = structureIssues(config, catalog);
  for (const found of structural) {
    if (covered.has(found.pointer)) continue;
    const issue: Issue = {
      pointer: found.pointer,
      ...positions.of(found.pointer, found.atKey),
      code: found.code,
      message: found.message,
      ...(found.hint ? { hint: found.hint } : {}),
    };
    (found.severity === 'error' ? errors : warnings).push(issue);
  }
  layers.push({
    layer: 'structure',
    status: 'ran',
    detail: 'version, endpoints, backends, routes, {params}, hosts, durations',
  });
  layers.push({
    layer: 'namespaces',
    status: 'ran',
    detail:
      answer.schema || answer.catalogSource === 'schema'
        ? `from the v${answer.version} schema`
        : `from Rampart's own list for v${answer.version}`,
  });
  layers.push(
    schema
      ? { layer: 'schema', status: 'ran', detail: `KrakenD v${schema.version} (${schema.origin})` }
      : { layer: 'schema', status: 'unavailable', detail: answer.unavailable },
  );
  const audited = audit(config, {});
  const counts = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map(
    (level) => `${audited.findings.filter((f) => f.severity === level).length} ${level}`,
  );
  layers.push({
    layer: 'audit',
    status: 'ran',
    detail: `${audited.findings.length} finding(s): ${counts.join(', ')}; audit_security lists them`,
  });
  const edition = editionOf(namespacesUsed(config, catalog, (feature) => feature?.edition === 'ee'));
  for (const use of edition.enterpriseOnly) {
    const issue: Issue = {
      pointer: use.pointer,
      ...positions.of(use.pointer, true),
      code: 'enterprise_only',
      message: `"${use.namespace}" is an Enterprise Edition feature (${use.feature?.title ?? use.namespace})`,
      hint:
        options.edition === 'ce'
          ? 'KrakenD Community Edition ignores it; remove it or run KrakenD Enterprise'
          : 'this config needs KrakenD Enterprise',
    };
    if (options.edition === 'ce') errors.push(issue);
    else if (options.edition === undefined) warnings.push(issue);
  }
  if (answer.note) {
    warnings.push({
      pointer: '/$schema',
      ...positions.of('/$schema'),
      code: 'schema',
      message: answer.note,
    });
  }
  byPosition(errors);
  byPosition(warnings);
  const maxIssues = options.maxIssues ?? DEFAULT_MAX_ISSUES;
  return {
    valid: errors.length === 0,
    ...(schema
      ? describeSchema(schema, answer.note)
      : {
          version: answer.version,
          schemaUrl: schemaUrlOf(answer.version),
          ...(answer.note ? { versionNote: answer.note } : {}),
        }),
    errors: errors.slice(0, maxIssues),
    warnings: warnings.slice(0, maxIssues),
    requiredEdition: edition.required,
    layers,
    config,
  };
}

/** A report whose one error is about the document as a whole. */
function failedWhole(code: IssueCode, message: string, hint?: string): ValidationReport {
  return {
    valid: false,
    errors: [{ pointer: '', line: 1, column: 1, code, message, ...(hint ? { hint } : {}) }],
    warnings: [],
    layers: [{ layer: 'json', status: 'ran', detail: `${message}: nothing further could run` }],
  };
}

function describeSchema(schema: LoadedSchema, note: string | undefined) {
  return {
    version: schema.version,
    schemaUrl: schemaUrlOf(schema.version),
    ...(note ? { versionNote: note } : {}),
    draft: schema.draft,
    schemaOrigin: schema.origin,
  };
}

function toIssue(
  complaint: SchemaComplaint,
  positions: DocumentPositions,
  catalog: Catalog,
  others: readonly Catalog[],
): Issue {
  const hint =
    complaint.code === 'unknown_key' && complaint.key !== undefined
      ? unknownKeyHint(pointerSegments(complaint.pointer), complaint.key, catalog, others)
      : undefined;
  return {
    pointer: complaint.pointer,
    ...positions.of(complaint.pointer, complaint.atKey),
    message: complaint.message,
    code: complaint.code,
    ...(hint ? { hint } : {}),
  };
}

function byPosition(issues: Issue[]): void {
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
}
