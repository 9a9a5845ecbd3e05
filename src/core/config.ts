import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where one key's value came from, so that an error can say which setting to fix. */
type Origin =
  | { kind: 'flag'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'file'; name: string }
  | { kind: 'default' };

export interface ConfigSources {
  /** Parsed command-line flags, keyed by the schema's camelCase keys; undefined means "not given". */
  readonly flags?: Record<string, unknown>;
  readonly env?: Record<string, string | undefined>;
  /** Path to rampart.yaml; when absent, `RAMPART_CONFIG` or `./rampart.yaml` is used if it exists. */
  readonly file?: string;
  readonly cwd?: string;
  /** How a key is given on the command line when it is not a flag, e.g. `roots: 'the <dirs…> arguments'`. */
  readonly cliNames?: Record<string, string>;
}

export function envName(server: string, key: string): string {
  return `RAMPART_${server.toUpperCase()}_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export function flagName(key: string): string {
  return `--${key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

function describeOrigin(server: string, key: string, origin: Origin): string {
  switch (origin.kind) {
    case 'flag':
      return origin.name;
    case 'env':
      return `env ${origin.name}`;
    case 'file':
      return `${origin.name} key ${server}.${key}`;
    default:
      return `default of ${server}.${key}`;
  }
}

/** The innermost schema under optional/default/nullable wrappers, to learn how to read an env string. */
function baseType(schema: z.ZodType): string {
  let current = schema as z.ZodType & { _zod: { def: { type: string; innerType?: z.ZodType } } };
  for (let i = 0; i < 8 && current._zod.def.innerType; i++)
    current = current._zod.def.innerType as typeof current;
  return current._zod.def.type;
}

function fromEnvString(raw: string, type: string): unknown {
  const text = raw.trim();
  switch (type) {
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      return text;
    case 'number':
      return text === '' || Number.isNaN(Number(text)) ? text : Number(text);
    case 'array':
      if (text.startsWith('[')) {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      }
      return text === '' ? [] : text.split(path.delimiter).filter(Boolean);
    default:
      return raw;
  }
}

export function findConfigFile(sources: ConfigSources): string | undefined {
  if (sources.file) return sources.file;
  const fromEnv = sources.env?.RAMPART_CONFIG;
  if (fromEnv) return fromEnv;
  const local = path.join(sources.cwd ?? process.cwd(), 'rampart.yaml');
  return existsSync(local) ? local : undefined;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`config file "${file}" cannot be read`);
  }
  try {
    // Loaded on first use: most runs have no config file, and start-up time matters.
    const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    const parsed = parse(text) ?? {};
    if (typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ConfigError(`config file "${file}" must hold a mapping`);
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `config file "${file}" is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** A top-level key of rampart.yaml (e.g. the gateway's `servers` list), or undefined when absent. */
export function readConfigKey(
  key: string,
  sources: ConfigSources = {},
): { value: unknown; file: string } | undefined {
  const file = findConfigFile({ ...sources, env: sources.env ?? process.env });
  if (!file) return undefined;
  const parsed = readConfigFile(file);
  return Object.hasOwn(parsed, key) ? { value: parsed[key], file } : undefined;
}

/**
 * Loads one server's options: each key from its flag, else `RAMPART_<SERVER>_<KEY>`, else the server's
 * section of rampart.yaml, else the schema's default. Validation errors name the key and its source.
 */
export function loadConfig<S extends z.ZodObject>(
  server: string,
  schema: S,
  sources: ConfigSources = {},
): z.output<S> {
  const env = sources.env ?? process.env;
  const file = findConfigFile({ ...sources, env });
  const fileSection = file ? readConfigFile(file)[server] : undefined;
  if (
    fileSection !== undefined &&
    (typeof fileSection !== 'object' || fileSection === null || Array.isArray(fileSection))
  ) {
    throw new ConfigError(`${file} key ${server} must be a mapping`);
  }
  const section = (fileSection ?? {}) as Record<string, unknown>;
  const shape = schema.shape as Record<string, z.ZodType>;
  for (const key of Object.keys(section)) {
    if (!Object.hasOwn(shape, key)) {
      throw new ConfigError(
        `${file} key ${server}.${key} is not an option of ${server} (known: ${Object.keys(shape).join(', ')})`,
      );
    }
  }
  const merged: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  for (const [key, field] of Object.entries(shape)) {
    const flag = sources.flags?.[key];
    const envKey = envName(server, key);
    if (flag !== undefined) {
      merged[key] = flag;
      origins[key] = { kind: 'flag', name: sources.cliNames?.[key] ?? `flag ${flagName(key)}` };
    } else if (env[envKey] !== undefined) {
      merged[key] = fromEnvString(env[envKey] as string, baseType(field));
      origins[key] = { kind: 'env', name: envKey };
    } else if (Object.hasOwn(section, key)) {
      merged[key] = section[key];
      origins[key] = { kind: 'file', name: file as string };
    } else {
      origins[key] = { kind: 'default' };
    }
  }
  const result = schema.safeParse(merged);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const key = String(issue.path[0] ?? '');
  const origin = origins[key] ?? { kind: 'default' };
  if (origin.kind === 'default' && merged[key] === undefined) {
    throw new ConfigError(
      `config ${server}.${key} is required: give ${sources.cliNames?.[key] ?? `flag ${flagName(key)}`}, env ${envName(server, key)} or key ${server}.${key} in rampart.yaml`,
    );
  }
  const where = issue.path.length > 1 ? ` (at ${issue.path.slice(1).join('.')})` : '';
  throw new ConfigError(`config ${describeOrigin(server, key, origin)}${where}: ${issue.message}`);
}

/** Options every server shares: limits, audit and logging. */
export const commonOptions = {
  maxArgBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Largest tool arguments accepted, in bytes'),
  maxResultBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('Largest tool result, in bytes; longer results are cut with a marker saying how to continue'),
  maxMessageBytes: z
    .number()
    .int()
    .min(1024)
    .optional()
    .describe(
      'Largest JSON-RPC message read on stdio, in bytes; a longer one is refused and the server keeps serving (default 3 × maxArgBytes + 64 KiB)',
    ),
  timeoutMs: z.number().int().positive().default(60_000).describe('Per-call time budget in milliseconds'),
  auditLog: z.string().optional().describe('Path of a JSONL audit log (created with mode 0600)'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('stderr log level'),
  tools: z
    .array(z.string())
    .optional()
    .describe('Offer only these tools (names as in tools/list); the others are not registered at all'),
  excludeTools: z.array(z.string()).optional().describe('Do not offer these tools; applied after `tools`'),
  readOnly: z
    .boolean()
    .default(false)
    .describe(
      'Offer only read-only tools (annotated readOnlyHint); a server without write tools is unchanged',
    ),
};
