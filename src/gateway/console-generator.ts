import { isJsonContentType } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { AuditSink } from '../core/audit.js';
import { readCappedBody } from '../core/http-body.js';
import { packageVersion } from '../core/version.js';
import type { Kind } from '../generator/index.js';
import { MAX_OPENAPI_BYTES } from '../toolkit/openapi-limits.js';
import { consoleJson } from './console-headers.js';
import { consoleError, sessionOf } from './console-request.js';
import type { ConsoleSessions } from './console-session.js';

export interface ConsoleGeneratorOptions {
  readonly sessions: ConsoleSessions;
  readonly publicOrigin?: string | undefined;
  readonly audit: AuditSink;
  /** The gateway's limiter: a generation costs the principal one call, as a tool call through /mcp does. */
  readonly rateLimiter: RateLimiterAbstract;
}

/**
 * The environment variable naming the rampart-mcp version range (or `file:` tarball) a project made in the
 * console depends on, as `rampart new --toolkit` does; by default this installation's own version, as the CLI.
 */
export const TOOLKIT_ENV = 'RAMPART_CONSOLE_TOOLKIT';

/**
 * The largest generate body: a spec is small but for the api kind's OpenAPI text (MAX_OPENAPI_BYTES at most),
 * which JSON escaping may double (every quote and newline of a JSON document written as two bytes).
 */
export const MAX_GENERATE_BYTES = 2 * MAX_OPENAPI_BYTES + 64 * 1024;

type KindSchema = { kind: Kind; schema: Record<string, unknown> };

/**
 * Each kind's options as a JSON Schema the console renders as a form: `kind` is left out (the page chooses it)
 * and so is the `$schema` marker. The spec's own checks that JSON Schema cannot say (package and tool names,
 * names that must differ) stay on the server, whose 400 names the key.
 */
function kindSchemas(specs: Record<Kind, z.ZodType>): KindSchema[] {
  return Object.entries(specs).map(([kind, spec]) => {
    const { $schema: _, ...schema } = z.toJSONSchema(spec, { io: 'input' }) as {
      $schema?: string;
      properties: Record<string, unknown>;
      required?: string[];
    };
    const { kind: __, ...properties } = schema.properties;
    return {
      kind: kind as Kind,
      schema: { ...schema, properties, required: (schema.required ?? []).filter((k) => k !== 'kind') },
    };
  });
}

/** The generator and each kind's form, loaded with the first request that needs them, not when serve starts. */
interface Generator {
  readonly generateProject: typeof import('../generator/index.js').generateProject;
  readonly SpecError: typeof import('../generator/index.js').SpecError;
  readonly schemas: readonly KindSchema[];
}

async function loadGenerator(): Promise<Generator> {
  const [{ generateProject, SpecError }, specs] = await Promise.all([
    import('../generator/index.js'),
    import('../generator/spec.js'),
  ]);
  const schemas = kindSchemas({
    fs: specs.fsSpec,
    custom: specs.customSpec,
    git: specs.gitSpec,
    db: specs.dbSpec,
    api: specs.apiSpec,
    client: specs.clientSpec,
  });
  return { generateProject, SpecError, schemas };
}

/** What the audit keeps of a spec: its options, but not the OpenAPI document's text (its size, instead). */
function auditArgs(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return {};
  const { openapi, ...rest } = spec as Record<string, unknown>;
  return typeof openapi === 'string' ? { ...rest, openapi: `(${openapi.length} characters)` } : rest;
}

/** The `openapi` of a spec when it is only a URL, which the console will not fetch (the CLI fetches one). */
function urlForDocument(spec: unknown): string | undefined {
  const openapi = (spec as { openapi?: unknown } | null)?.openapi;
  if (typeof openapi !== 'string') return undefined;
  const text = openapi.trim();
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(text) ? text : undefined;
}

/**
 * Takes one call from the principal's budget, the one its tool calls spend, before the body is read: generating
 * from an 8 MiB OpenAPI document is work on the gateway's event loop, so the console adds no unmetered path.
 * The seconds until the window frees a call, when the budget is spent.
 */
async function overBudget(limiter: RateLimiterAbstract, client: string): Promise<number | undefined> {
  try {
    await limiter.consume(client, 1);
    return undefined;
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  }
}

/**
 * /console/api/generate: `rampart new` for the console. POST a spec, get the project's files and notes back;
 * GET /schema for the form. It writes nothing and starts nothing, and reads nothing but the request: the api
 * kind takes the OpenAPI document's text, so no URL is ever fetched on the person's behalf (the CLI's fetch
 * through the SSRF guard is not offered here). Each generation is audited as a console record. The generator
 * itself is loaded by the first request that needs it, so a serve that never generates never loads it.
 */
export function consoleGenerator(
  options: ConsoleGeneratorOptions,
  env: Record<string, string | undefined> = process.env,
): Hono {
  const { sessions, publicOrigin } = options;
  const toolkit = env[TOOLKIT_ENV] || `^${packageVersion()}`;
  let loaded: Promise<Generator> | undefined;
  const load = () => {
    loaded ??= loadGenerator();
    return loaded;
  };
  const generator = new Hono();

  generator.get('/schema', async (c) => {
    const session = sessionOf(c.req.raw, sessions, publicOrigin);
    if (session instanceof Response) return session;
    return consoleJson({ kinds: (await load()).schemas });
  });

  generator.post('/', async (c) => {
    const started = Date.now();
    const request = c.req.raw;
    const session = sessionOf(request, sessions, publicOrigin);
    if (session instanceof Response) return session;
    const limited = await overBudget(options.rateLimiter, session.principal.clientId);
    if (limited) {
      const message = `too many calls; retry in ${limited} s`;
      options.audit.record({
        ts: new Date(started).toISOString(),
        server: 'console',
        tool: 'generate',
        client: session.principal.clientId,
        args: {},
        outcome: 'rate_limited',
        ms: Date.now() - started,
        message,
      });
      const refusal = consoleError(429, 'rate_limited', message);
      refusal.headers.set('retry-after', String(limited));
      return refusal;
    }
    if (!isJsonContentType(request.headers.get('content-type')))
      return consoleError(415, 'invalid_request', 'send the spec as a JSON body');
    const read = await readCappedBody(request, MAX_GENERATE_BYTES);
    if (read.status === 'too-large')
      return consoleError(
        413,
        'invalid_request',
        `the spec is larger than ${MAX_GENERATE_BYTES} bytes (an OpenAPI document may hold ${MAX_OPENAPI_BYTES})`,
      );
    if (read.status !== 'read') return consoleError(400, 'invalid_request', 'the spec could not be read');
    let spec: unknown;
    try {
      spec = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      return consoleError(400, 'invalid_spec', 'the spec is not JSON');
    }
    const record = (outcome: 'ok' | 'refused', message?: string) =>
      options.audit.record({
        ts: new Date(started).toISOString(),
        server: 'console',
        tool: 'generate',
        client: session.principal.clientId,
        args: auditArgs(spec),
        outcome,
        ms: Date.now() - started,
        ...(message ? { message } : {}),
      });
    const url = urlForDocument(spec);
    if (url) {
      const message = `openapi: ${url.slice(0, 200)} is a URL, not an OpenAPI document; the console fetches nothing, so upload or paste the document itself`;
      record('refused', message);
      return consoleError(400, 'invalid_spec', message);
    }
    const { generateProject, SpecError } = await load();
    let project: { files: Map<string, string>; notes: string[] };
    try {
      project = generateProject(spec, { toolkit });
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      record('refused', error.message);
      return consoleError(400, 'invalid_spec', error.message);
    }
    record('ok');
    return consoleJson({
      files: [...project.files].map(([path, content]) => ({ path, content })),
      notes: project.notes,
    });
  });

  return generator;
}
