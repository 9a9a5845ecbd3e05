import { ConfigError } from '../../core/config.js';

/** What a networked engine needs to connect, the same for PostgreSQL and MySQL. */
export interface EngineSettings {
  readonly url: string;
  readonly schemas: readonly string[];
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  /** The URL without its password, for messages. */
  readonly shownUrl: string;
}

/** Refuses to start when a configured schema does not exist: a typo would otherwise surface on every call. */
export function assertSchemasExist(
  settings: EngineSettings,
  wanted: readonly string[],
  found: readonly string[],
): void {
  const missing = wanted.filter((s) => !found.includes(s));
  if (missing.length > 0)
    throw new ConfigError(
      `schemas: ${missing.map((s) => `"${s}"`).join(', ')} not found in ${settings.shownUrl}`,
    );
}

/**
 * Runs an engine's start-up checks on a fresh pool; on any failure the pool is closed and the error names the
 * URL (never its password).
 */
export async function connectChecked<T>(
  settings: EngineSettings,
  closePool: () => Promise<void>,
  check: () => Promise<T>,
): Promise<T> {
  try {
    return await check();
  } catch (error) {
    await closePool().catch(() => {});
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot connect to ${settings.shownUrl}: ${(error as Error).message}`);
  }
}
