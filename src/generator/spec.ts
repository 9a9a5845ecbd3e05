import { z } from 'zod';
import { MAX_OPENAPI_BYTES } from '../toolkit/openapi.js';
import { npmNameProblem, toolNameProblem } from './names.js';

const npmName = z.string().superRefine((name, ctx) => {
  const problem = npmNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `package name "${name}" ${problem}` });
});

const toolName = z.string().superRefine((name, ctx) => {
  const problem = toolNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `tool name "${name}" ${problem}` });
});

/** Free text from the user: stored as data (never spliced into code), but bounded and without NUL. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\0'), 'may not hold NUL');

/** A path the user gives: shown in JSON and the README, so no control characters (a newline would end a fence). */
const pathText = text(4_096)
  .min(1)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'may not hold control characters');

const common = {
  name: npmName,
  description: text(2_000).default(''),
};

export const fsSpec = z
  .object({
    kind: z.literal('fs'),
    ...common,
    roots: z.array(pathText).min(1).max(32).default(['.']),
    readOnly: z.boolean().default(false),
  })
  .strict();

export const customSpec = z
  .object({
    kind: z.literal('custom'),
    ...common,
    tools: z
      .array(z.object({ name: toolName, description: text(2_000).default('') }).strict())
      .min(1)
      .max(64)
      .refine((tools) => new Set(tools.map((t) => t.name)).size === tools.length, 'tool names must differ'),
  })
  .strict();

export const gitSpec = z
  .object({
    kind: z.literal('git'),
    ...common,
    repository: pathText.default('.'),
  })
  .strict();

export const dbSpec = z
  .object({
    kind: z.literal('db'),
    ...common,
    engine: z.enum(['sqlite', 'postgres', 'mysql']).default('sqlite'),
    urlEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an environment variable name: A-Z, 0-9 and _')
      .default('DATABASE_URL'),
    schemas: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'a plain schema name'))
      .max(32)
      .default([]),
  })
  .strict();

export const clientSpec = z
  .object({
    kind: z.literal('client'),
    ...common,
    servers: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a server name: a-z first, then a-z, 0-9 or -'),
            target: pathText.refine(
              (t) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(t) || /^https?:\/\//i.test(t),
              'a command, or an http(s) URL',
            ),
          })
          .strict(),
      )
      .min(1)
      .max(32)
      .refine(
        (servers) => new Set(servers.map((s) => s.name)).size === servers.length,
        'server names must differ',
      ),
  })
  .strict();

export const apiSpec = z
  .object({
    kind: z.literal('api'),
    ...common,
    /** The OpenAPI 3.0 or 3.1 document's text (JSON or YAML); the generator parses it, reading nothing else. */
    openapi: z.string().min(1).max(MAX_OPENAPI_BYTES),
    /** Where the document came from: an http(s) URL resolves relative server URLs; shown in the README. */
    source: pathText.optional(),
    /** Prefix of the environment variables the server reads (base URL, allowlist, credentials). */
    envPrefix: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'A-Z first, then A-Z, 0-9 or _ (at most 32)')
      .optional(),
  })
  .strict();

export const projectSpec = z.discriminatedUnion('kind', [
  fsSpec,
  customSpec,
  gitSpec,
  dbSpec,
  clientSpec,
  apiSpec,
]);

export type ProjectSpec = z.output<typeof projectSpec>;
export type FsSpec = z.output<typeof fsSpec>;
export type CustomSpec = z.output<typeof customSpec>;
export type GitSpec = z.output<typeof gitSpec>;
export type DbSpec = z.output<typeof dbSpec>;
export type ClientSpec = z.output<typeof clientSpec>;
export type ApiSpec = z.output<typeof apiSpec>;
export type Kind = ProjectSpec['kind'];
export const KINDS: readonly Kind[] = ['fs', 'custom', 'git', 'db', 'api', 'client'];

export interface GenerateOptions {
  /** The version range (or `file:` tarball) of rampart-mcp the project depends on. */
  readonly toolkit: string;
}
