import { ConfigError } from '../../core/config.js';
import { checkAllowEntry, normalizeHost } from '../../guards/net.js';
import {
  type OpenApiDocument,
  openApiSchema,
  openApiServerUrl,
  parseOpenApi,
  resolveOpenApiRef,
} from '../../toolkit/openapi.js';
import { SpecError } from '../errors.js';
import { isObject, type JsonSchema } from './json.js';
import { operationToolName } from './names.js';
import { type ApiParameter, assignArguments, readParameter } from './parameters.js';
import { exampleOf, rawSample } from './samples.js';
import { readSchemes, readSecurity, type SchemeSettings } from './security.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
/** More operations than this is a spec to split, not one server. */
export const MAX_OPERATIONS = 500;

export interface ApiOperation {
  readonly tool: string;
  readonly method: string;
  readonly path: string;
  /** `GET /pets (listPets)`: how messages name it (user text). */
  readonly label: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: readonly ApiParameter[];
  readonly body?: { readonly required: boolean; readonly schema: JsonSchema; readonly example?: unknown };
  readonly security: readonly (readonly string[])[];
}

export interface ApiModel {
  readonly title: string;
  readonly baseUrl: string;
  readonly allowHosts: readonly string[];
  readonly schemes: Readonly<Record<string, SchemeSettings>>;
  readonly operations: readonly ApiOperation[];
  /** What was skipped or changed, each naming the operation: shown by the CLI and in the README. */
  readonly notes: readonly string[];
}

/** Reads an OpenAPI document into what the api kind generates; refuses with a SpecError naming the problem. */
export function readApi(text: string, source: string | undefined, envPrefix: string): ApiModel {
  try {
    return read(parseOpenApi(text, source ?? 'the spec'), source, envPrefix);
  } catch (error) {
    if (error instanceof ConfigError) throw new SpecError(error.message);
    throw error;
  }
}

function read(doc: OpenApiDocument, source: string | undefined, envPrefix: string): ApiModel {
  const notes: string[] = [];
  const { baseUrl, allowHosts } = readServers(doc, source, notes);
  const schemes = readSchemes(doc, envPrefix);
  const operations: ApiOperation[] = [];
  const byTool = new Map<string, string>();
  for (const [path, rawItem] of Object.entries(doc.paths)) {
    const item = resolveOpenApiRef(doc, rawItem);
    if (!isObject(item))
      throw new SpecError(`openapi: the path item ${JSON.stringify(path)} is not an object`);
    if (item.trace !== undefined) notes.push(`TRACE ${path}: skipped (TRACE is not generated)`);
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const read = readOperation(doc, path, method.toUpperCase(), item, op, schemes, notes);
      if (!read) continue;
      const other = byTool.get(read.tool);
      if (other)
        throw new SpecError(
          `openapi: ${other} and ${read.label} would both be the tool "${read.tool}"; give them different operationIds`,
        );
      byTool.set(read.tool, read.label);
      operations.push(read);
    }
  }
  if (operations.length === 0)
    throw new SpecError(
      `openapi: no operation can be generated${notes.length ? ` (${notes.join('; ')})` : ''}`,
    );
  if (operations.length > MAX_OPERATIONS)
    throw new SpecError(
      `openapi: ${operations.length} operations; split the spec (at most ${MAX_OPERATIONS})`,
    );
  const used = new Set(operations.flatMap((o) => o.security.flat()));
  const supported = Object.fromEntries(
    [...schemes].filter(
      (entry): entry is [string, SchemeSettings] => used.has(entry[0]) && !('unsupported' in entry[1]),
    ),
  );
  const info = isObject(doc.info) ? doc.info : {};
  return {
    title: typeof info.title === 'string' ? info.title : '',
    baseUrl,
    allowHosts,
    schemes: supported,
    operations,
    notes,
  };
}

function readServers(
  doc: OpenApiDocument,
  source: string | undefined,
  notes: string[],
): { baseUrl: string; allowHosts: string[] } {
  const fromUrl = source !== undefined && /^https?:\/\//i.test(source);
  const urls = (doc.servers ?? []).map((server, index) => {
    if (!fromUrl && typeof server?.url === 'string' && !/^https?:\/\//i.test(server.url))
      throw new SpecError(
        `openapi: servers[${index}].url ${JSON.stringify(server.url)} is not an absolute http(s) URL; make it one, or generate from the spec's URL`,
      );
    const url = openApiServerUrl(doc, fromUrl ? (source as string) : 'http://invalid/', index);
    if (url.username !== '' || url.password !== '')
      throw new SpecError(`openapi: servers[${index}].url carries a user name or password`);
    return url;
  });
  const hosts = [...new Set(urls.map((u) => normalizeHost(u.hostname)))];
  for (const host of hosts) {
    const problem = checkAllowEntry(host);
    if (problem) throw new SpecError(`openapi: a server host ${problem}`);
  }
  for (const host of hosts.filter((h) => /(^|\.)localhost$/.test(h)))
    notes.push(
      `server host ${host}: local names are always refused; to reach it, set the base URL to 127.0.0.1 and allow that host and range (see the README)`,
    );
  const first = urls[0] as URL;
  return { baseUrl: first.href.replace(/\/+$/, ''), allowHosts: hosts };
}

function readOperation(
  doc: OpenApiDocument,
  path: string,
  method: string,
  item: Record<string, unknown>,
  raw: unknown,
  schemes: ReturnType<typeof readSchemes>,
  notes: string[],
): ApiOperation | undefined {
  const op = resolveOpenApiRef(doc, raw);
  const operationId = isObject(op) && typeof op.operationId === 'string' ? op.operationId : undefined;
  const label = `${method} ${path}${operationId !== undefined ? ` (${operationId})` : ''}`;
  const skip = (why: string) => {
    notes.push(`${label}: skipped, ${why}`);
    return undefined;
  };
  if (!isObject(op)) return skip('it is not an object');
  if (op.servers !== undefined || item.servers !== undefined)
    return skip('it names its own servers; only the top-level servers are generated');
  if (/[?#]/.test(path) || !path.startsWith('/')) return skip('its path is not a plain path');
  const { name: tool, renamed } = operationToolName(operationId, method, path);
  if (renamed) notes.push(`${label}: ${renamed}; it is the tool "${tool}"`);
  if (op.callbacks !== undefined)
    notes.push(`${label}: its callbacks are not generated (the tool makes the call only)`);

  const security = readSecurity(op.security ?? (doc as { security?: unknown }).security, schemes);
  if ('refused' in security) return skip(security.refused);
  for (const dropped of security.dropped)
    notes.push(`${label}: a security alternative is left out: ${dropped}`);

  const declared = new Map<string, Omit<ApiParameter, 'arg'>>();
  for (const rawParameter of [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ]) {
    const verdict = readParameter(doc, rawParameter);
    if ('unsupported' in verdict) {
      if (!verdict.optional) return skip(verdict.unsupported);
      declared.delete(verdict.key);
      notes.push(`${label}: ${verdict.unsupported}; the optional parameter is left out`);
      continue;
    }
    // An operation's parameter replaces the path item's one of the same name and location.
    declared.set(`${verdict.parameter.in}:${verdict.parameter.name}`, verdict.parameter);
  }
  for (const placeholder of path.matchAll(/\{([^}]*)\}/g))
    if (!declared.has(`path:${placeholder[1]}`))
      return skip(`its path parameter ${JSON.stringify(placeholder[1])} is not declared`);
  for (const p of declared.values())
    if (p.in === 'path' && !path.includes(`{${p.name}}`))
      return skip(`path parameter ${JSON.stringify(p.name)} is not in its path`);

  const body = readBody(doc, op.requestBody);
  if (body && 'unsupported' in body) {
    if (body.required) return skip(body.unsupported);
    notes.push(`${label}: ${body.unsupported}; the optional body is left out`);
  }
  const jsonBody = body && !('unsupported' in body) ? body : undefined;
  const assigned = assignArguments([...declared.values()], jsonBody !== undefined);
  if ('problem' in assigned) return skip(assigned.problem);

  const summary = typeof op.summary === 'string' && op.summary.trim() !== '' ? op.summary : undefined;
  const detail =
    typeof op.description === 'string' && op.description.trim() !== '' ? op.description : undefined;
  const description = [op.deprecated === true ? 'Deprecated.' : undefined, summary, detail]
    .filter(Boolean)
    .join('\n\n');
  return {
    tool,
    method,
    path,
    label,
    title: summary ?? operationId ?? `${method} ${path}`,
    description: description || `${method} ${path}`,
    parameters: assigned.parameters,
    ...(jsonBody ? { body: jsonBody } : {}),
    security: security.alternatives,
  };
}

type BodyVerdict =
  | { readonly required: boolean; readonly schema: JsonSchema; readonly example?: unknown }
  | { readonly required: boolean; readonly unsupported: string };

/** A JSON request body; other media types (multipart, forms, binary) are named as unsupported. */
function readBody(doc: OpenApiDocument, raw: unknown): BodyVerdict | undefined {
  if (raw === undefined) return undefined;
  const body = resolveOpenApiRef(doc, raw);
  if (!isObject(body)) return { required: true, unsupported: 'its requestBody is not an object' };
  const required = body.required === true;
  const content = isObject(body.content) ? body.content : {};
  const json = Object.entries(content).find(([type]) =>
    /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type),
  );
  if (!json) {
    const types = Object.keys(content).join(', ') || 'no media type';
    return { required, unsupported: `its request body is ${types}; only JSON bodies are supported` };
  }
  const media = isObject(json[1]) ? json[1] : {};
  const example = exampleOf(media) ?? rawSample(doc, media.schema);
  return {
    required,
    schema: openApiSchema(doc, media.schema ?? {}),
    ...(example !== undefined ? { example } : {}),
  };
}
