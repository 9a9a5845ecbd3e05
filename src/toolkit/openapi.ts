import { open } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/config.js';
import { parseRanges } from '../guards/net.js';
import type { Resolver } from '../guards/net-dial.js';
import { GuardedClient } from '../servers/http/client.js';
import { httpConfigSchema } from '../servers/http/config.js';
import { Credentials } from '../servers/http/credentials.js';
import { toJsonSchema } from '../servers/http/openapi/schema.js';
import { deref, type OpenApiDocument, parseSpec, serverUrl } from '../servers/http/openapi/spec.js';
import { MAX_OPENAPI_BYTES } from './openapi-limits.js';

export { MAX_OPENAPI_BYTES };

export interface LoadOpenApiOptions {
  /** Non-public ranges (CIDR) a spec URL may resolve to; loopback, private and metadata addresses otherwise refused. */
  readonly allowPrivate?: readonly string[];
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** Stands in for DNS (tests). */
  readonly resolver?: Resolver;
}

/**
 * The text of an OpenAPI document from a file, or from an http(s) URL through the guarded client (that host
 * only, GET, redirects re-checked, size capped, a deadline); `base` is what relative server URLs resolve against.
 */
export async function loadOpenApiText(
  source: string,
  options: LoadOpenApiOptions = {},
): Promise<{ text: string; base: string }> {
  const maxBytes = options.maxBytes ?? MAX_OPENAPI_BYTES;
  if (/^https?:\/\//i.test(source)) return { text: await fetchText(source, maxBytes, options), base: source };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
    throw new ConfigError(`openapi ${source}: give a file or an http(s) URL`);
  const handle = await open(source, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`openapi ${source}: could not read it (${error.code ?? error.message})`);
  });
  try {
    // Read to the cap and one byte past it, never trusting the size a stat reports (a device or a FIFO has none).
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new ConfigError(`openapi ${source}: larger than ${maxBytes} bytes`);
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return {
      text: Buffer.concat(chunks, total).toString('utf8'),
      base: pathToFileURL(path.resolve(source)).href,
    };
  } finally {
    await handle.close();
  }
}

async function fetchText(url: string, maxBytes: number, options: LoadOpenApiOptions): Promise<string> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new ConfigError(`openapi ${url}: not a URL`);
  }
  const config = httpConfigSchema.parse({
    allowHosts: [host],
    allowPrivate: options.allowPrivate ?? [],
    allowMethods: ['GET'],
    maxResponseBytes: maxBytes,
    totalTimeoutMs: options.timeoutMs ?? 30_000,
  });
  const ranges = parseRanges(config.allowPrivate);
  if (!ranges.ok) throw new ConfigError(`allowPrivate: ${ranges.reason}`);
  const client = new GuardedClient(config, ranges.value, new Credentials([]), options.resolver);
  try {
    const response = await client.send({
      url,
      method: 'GET',
      headers: { accept: 'application/json, application/yaml, text/yaml, */*;q=0.5' },
    });
    if (response.status !== 200)
      throw new ConfigError(`openapi ${url}: the server answered ${response.status}`);
    if (response.truncated) throw new ConfigError(`openapi ${url}: larger than ${maxBytes} bytes`);
    return response.body.toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`openapi ${url}: ${(error as Error).message}`);
  } finally {
    await client.close();
  }
}

/**
 * An OpenAPI 3.0 or 3.1 document (JSON or YAML) parsed safely: nesting bounded before the parser runs, at most
 * 100 aliases, YAML 1.2 core schema (no custom tags act), and the shape Rampart needs checked (`openapi`,
 * `paths`, a `servers` url). `source` names it in messages.
 */
export function parseOpenApi(text: string, source = 'the spec'): OpenApiDocument {
  return parseSpec(text, source);
}

/** A schema of the document as plain JSON Schema: local `$ref`s inlined (recursion cut), 3.0's `nullable` as a type. */
export function openApiSchema(doc: OpenApiDocument, schema: unknown): Record<string, unknown> {
  return toJsonSchema(doc, schema);
}

/** Follows a local `$ref` (`#/components/…`); remote refs and cycles are a ConfigError. */
export function resolveOpenApiRef<T>(doc: OpenApiDocument, value: T): T {
  return deref(doc, value);
}

/** The document's `index`th server as an absolute http(s) URL, variables at their defaults, relative to `base`. */
export function openApiServerUrl(doc: OpenApiDocument, base: string, index = 0): URL {
  const server = doc.servers?.[index];
  if (!server) throw new ConfigError(`openapi: no server ${index}`);
  return serverUrl({ ...doc, servers: [server] }, base);
}

export type { OpenApiDocument };
