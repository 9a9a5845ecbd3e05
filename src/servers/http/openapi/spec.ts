import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../../core/config.js';
import { exceedsTextDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../../guards/limits.js';

/** The parts of an OpenAPI 3 document Rampart reads; everything else is ignored. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info?: { title?: string; description?: string };
  readonly servers?: readonly { url: string; variables?: Record<string, { default: string }> }[];
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components?: Record<string, Record<string, unknown>>;
}

/** Reads a spec from a file, or from a URL with `fetchText` (the guarded client), and checks its shape. */
export async function loadSpec(
  source: string,
  fetchText: (url: string) => Promise<string>,
): Promise<{ doc: OpenApiDocument; base: string }> {
  const isUrl = /^https?:\/\//i.test(source);
  let text: string;
  try {
    text = isUrl ? await fetchText(source) : await readFile(source, 'utf8');
  } catch (error) {
    throw new ConfigError(`openapi ${source}: could not read it (${(error as Error).message})`);
  }
  return { doc: parseSpec(text, source), base: isUrl ? source : `file://${source}` };
}

/** A spec's text (JSON or YAML) as a document of the shape Rampart reads; `source` names it in messages. */
export function parseSpec(text: string, source: string): OpenApiDocument {
  if (nestedTooDeep(text)) throw new ConfigError(`openapi ${source}: ${tooDeepMessage('the spec')}`);
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(`openapi ${source}: not JSON or YAML (${(error as Error).message.split('\n')[0]})`);
  }
  return checkShape(doc, source);
}

/** Block indentation and `- `, `? `, `: ` indicators at the start of a line: each can open one level. */
const LINE_LEAD = /^(?:[ \t]|[-?:](?=[ \t]|$))*/;

/**
 * The yaml parser recurses on nesting and overflows the stack at some 800 levels, after which a second deep
 * document can kill the process outright (V8 runs out of memory compiling a regular expression): flow brackets
 * and block levels are each bounded by the depth policy before it runs.
 */
function nestedTooDeep(text: string): boolean {
  if (exceedsTextDepth(text, MAX_JSON_DEPTH)) return true;
  for (const line of text.split('\n')) {
    if ((LINE_LEAD.exec(line)?.[0].length ?? 0) > MAX_JSON_DEPTH) return true;
  }
  return false;
}

function checkShape(doc: unknown, source: string): OpenApiDocument {
  const where = `openapi ${source}`;
  if (typeof doc !== 'object' || doc === null) throw new ConfigError(`${where}: not an object`);
  const d = doc as Record<string, unknown>;
  if (typeof d.openapi !== 'string' || !/^3\.[01]\./.test(d.openapi))
    throw new ConfigError(`${where}: "openapi" must be 3.0.x or 3.1.x (Swagger 2 is not supported)`);
  if (typeof d.paths !== 'object' || d.paths === null) throw new ConfigError(`${where}: no "paths"`);
  if (!Array.isArray(d.servers) || d.servers.length === 0 || typeof d.servers[0]?.url !== 'string')
    throw new ConfigError(
      `${where}: no "servers" entry with a url; Rampart calls only the spec's own server`,
    );
  return d as unknown as OpenApiDocument;
}

/** The spec's first server as an absolute URL (variables at their defaults, relative URLs against the spec's). */
export function serverUrl(doc: OpenApiDocument, base: string): URL {
  const server = doc.servers?.[0] as { url: string; variables?: Record<string, { default: string }> };
  const filled = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = server.variables?.[name]?.default;
    if (value === undefined) throw new ConfigError(`openapi: server variable "${name}" has no default`);
    return value;
  });
  let url: URL;
  try {
    url = new URL(filled, base);
  } catch {
    throw new ConfigError(`openapi: server url "${server.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`openapi: server url "${url.href}" must be http or https`);
  return url;
}

/** Follows a local `$ref` (`#/components/...`); other references are refused. */
export function deref<T>(doc: OpenApiDocument, value: T, seen: ReadonlySet<string> = new Set()): T {
  const ref = (value as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== 'string') return value;
  if (!ref.startsWith('#/')) throw new ConfigError(`openapi: only local $refs are supported, not "${ref}"`);
  if (seen.has(ref)) throw new ConfigError(`openapi: $ref cycle at "${ref}"`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (node === undefined) throw new ConfigError(`openapi: $ref "${ref}" points at nothing`);
  return deref(doc, node as T, new Set([...seen, ref]));
}
