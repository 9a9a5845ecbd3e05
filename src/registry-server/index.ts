import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../core/config.js';
import { bindHttp, drainHttp } from '../core/listen.js';
import { createLogger, type Logger } from '../core/log.js';
import { isLoopbackBind } from '../guards/http.js';
import { registryApp } from './api/app.js';
import type { RegistryServerConfig } from './config.js';
import { Registry } from './registry.js';
import { SqliteStore } from './store/sqlite.js';
import type { RegistryStore } from './store/types.js';
import { upgradeStore } from './store-upgrade.js';

export { type RegistryServerConfig, registryServerConfigSchema } from './config.js';

export interface RunningRegistry {
  readonly url: string;
  close(): Promise<void>;
}

function expandHome(file: string): string {
  return file === ':memory:'
    ? file
    : path.resolve(file.startsWith('~/') ? path.join(homedir(), file.slice(2)) : file);
}

export async function openStore(config: RegistryServerConfig, logger?: Logger): Promise<RegistryStore> {
  if (config.store === 'postgres') {
    if (!config.postgresUrl) throw new ConfigError('postgresUrl is required with store: postgres');
    const { PostgresStore } = await import('./store/postgres.js');
    return PostgresStore.open(config.postgresUrl, logger);
  }
  return new SqliteStore(expandHome(config.sqlitePath));
}

/** Checks what would make the registry unsafe to start: no auth on a non-loopback address, missing credentials. */
export function checkRegistryConfig(config: RegistryServerConfig): void {
  if (config.auth === 'none' && !isLoopbackBind(config.host)) {
    throw new ConfigError(
      `host ${config.host} is not a loopback address: set auth to basic or bearer (with credentials) to serve it there`,
    );
  }
  if (config.auth !== 'none') {
    const usable = config.credentials.filter((c) =>
      config.auth === 'basic' ? c.name !== undefined : c.name === undefined,
    );
    if (usable.length === 0) {
      throw new ConfigError(
        `auth is ${config.auth} but credentials has no ${config.auth === 'basic' ? 'name + secret' : 'secret without a name'}`,
      );
    }
  }
}

/** Starts the Confluent-compatible registry over HTTP. */
export async function startRegistryServer(config: RegistryServerConfig): Promise<RunningRegistry> {
  checkRegistryConfig(config);
  const logger = createLogger({ level: config.logLevel, scope: 'registry-server' });
  const store = await openStore(config, logger);
  try {
    await upgradeStore(store, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const registry = new Registry(store, { compatibility: config.defaultCompatibility, mode: 'READWRITE' });
  const app = registryApp(registry, {
    auth: config.auth,
    credentials: config.credentials.map((c) => ({
      ...(c.name ? { user: c.name } : {}),
      secret: c.secret,
      readOnly: c.readOnly,
    })),
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });
  let bound: Awaited<ReturnType<typeof bindHttp>>;
  try {
    bound = await bindHttp(config, (request) => app.fetch(request));
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    url: bound.url,
    async close() {
      await drainHttp(bound.server, config.drainSeconds);
      await store.close();
    },
  };
}
