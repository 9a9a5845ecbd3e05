import { ConfigError } from '../../core/config.js';
import { type RegistryEntry, registryEntrySchema } from './config.js';

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

/**
 * Registries from the environment variables the seed schema-registry MCP server reads, so existing setups keep
 * working: SCHEMA_REGISTRY_URL (+ _USER, _PASSWORD, VIEWONLY), and SCHEMA_REGISTRY_NAME_N / _URL_N / _USER_N /
 * _PASSWORD_N / VIEWONLY_N for N = 1..8.
 */
export function registriesFromEnvironment(env: NodeJS.ProcessEnv = process.env): RegistryEntry[] {
  const entries: RegistryEntry[] = [];
  const add = (raw: Record<string, unknown>, source: string) => {
    const parsed = registryEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(
        `${source}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim(),
      );
    }
    entries.push(parsed.data);
  };
  if (env.SCHEMA_REGISTRY_URL) {
    add(
      {
        name: env.SCHEMA_REGISTRY_NAME || 'default',
        url: env.SCHEMA_REGISTRY_URL,
        ...(env.SCHEMA_REGISTRY_USER ? { username: env.SCHEMA_REGISTRY_USER } : {}),
        ...(env.SCHEMA_REGISTRY_PASSWORD ? { password: env.SCHEMA_REGISTRY_PASSWORD } : {}),
        viewonly: truthy(env.VIEWONLY) || truthy(env.READONLY),
      },
      'SCHEMA_REGISTRY_URL',
    );
  }
  for (let n = 1; n <= 8; n++) {
    const url = env[`SCHEMA_REGISTRY_URL_${n}`];
    if (!url) continue;
    add(
      {
        name: env[`SCHEMA_REGISTRY_NAME_${n}`] || `registry${n}`,
        url,
        ...(env[`SCHEMA_REGISTRY_USER_${n}`] ? { username: env[`SCHEMA_REGISTRY_USER_${n}`] } : {}),
        ...(env[`SCHEMA_REGISTRY_PASSWORD_${n}`] ? { password: env[`SCHEMA_REGISTRY_PASSWORD_${n}`] } : {}),
        viewonly: truthy(env[`VIEWONLY_${n}`]) || truthy(env[`READONLY_${n}`]),
      },
      `SCHEMA_REGISTRY_URL_${n}`,
    );
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) throw new ConfigError(`two registries are named "${entry.name}"`);
    names.add(entry.name);
  }
  return entries;
}

/**
 * The seed server's SLIM_MODE=true, which offered fewer tools: it maps to the read-only selection, with a
 * warning naming the flag that replaces it. Undefined when SLIM_MODE is not set to a true value.
 */
export function slimModeWarning(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!truthy(env.SLIM_MODE)) return undefined;
  return 'SLIM_MODE is deprecated: it now means --read-only (readOnly: true in rampart.yaml); use that instead';
}
