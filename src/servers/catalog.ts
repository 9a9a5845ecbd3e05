import type { z } from 'zod';
import type { ServerDefinition } from '../core/define.js';
import { type DbConfig, dbConfigSchema, dbServer, openEngine } from './db/index.js';
import { type FsConfig, fsConfigSchema, fsServer, prepareFsOptions } from './fs/index.js';
import { type GitConfig, gitConfigSchema, gitServer, prepareGit } from './git/index.js';
import { type HttpConfig, httpConfigSchema, httpServer, prepareHttp } from './http/index.js';
import { type KrakendConfig, krakendConfigSchema, krakendServer, prepareKrakend } from './krakend/index.js';
import {
  prepareRegistry,
  type RegistryConfig,
  registryConfigSchema,
  registryServer,
} from './registry/index.js';
import {
  prepareSessions,
  type SessionsConfig,
  sessionsConfigSchema,
  sessionsServer,
} from './sessions/index.js';

/** A server ready to serve: a definition per connection, and what it holds open (a connection pool). */
export interface PreparedServer {
  makeDefinition(): ServerDefinition;
  /** Things the operator must hear about at start (a superuser database connection, say). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

export interface ServerKind {
  readonly name: string;
  /**
   * Why this kind cannot be served over the gateway's stateless HTTP, when it keeps state per connection (a
   * session slot, say) that a request-per-call transport would mix up between clients.
   */
  readonly needsConnections?: string;
  readonly configSchema: z.ZodObject;
  prepare(config: Record<string, unknown>): Promise<PreparedServer>;
}

function kind<S extends z.ZodObject>(
  name: string,
  configSchema: S,
  prepare: (config: z.output<S>) => Promise<PreparedServer>,
): ServerKind {
  return { name, configSchema, prepare: (config) => prepare(config as z.output<S>) };
}

/** Every server Rampart can run, by kind: what the CLI and the gateway both start. */
export const SERVER_KINDS = {
  fs: kind('fs', fsConfigSchema, async (config: FsConfig) => {
    const options = await prepareFsOptions(config);
    return { makeDefinition: () => fsServer(options), warnings: [], close: async () => {} };
  }),
  db: kind('db', dbConfigSchema, async (config: DbConfig) => {
    const engine = await openEngine(config);
    return {
      makeDefinition: () => dbServer(engine, config),
      warnings: engine.warnings,
      close: () => engine.close(),
    };
  }),
  http: kind('http', httpConfigSchema, async (config: HttpConfig) => {
    const prepared = await prepareHttp(config);
    return {
      makeDefinition: () => httpServer(prepared),
      warnings: prepared.warnings,
      close: () => prepared.close(),
    };
  }),
  git: kind('git', gitConfigSchema, async (config: GitConfig) => {
    const prepared = await prepareGit(config);
    return { makeDefinition: () => gitServer(prepared), warnings: [], close: async () => {} };
  }),
  krakend: kind('krakend', krakendConfigSchema, async (config: KrakendConfig) => {
    const prepared = await prepareKrakend(config);
    return { makeDefinition: () => krakendServer(prepared), warnings: [], close: async () => {} };
  }),
  registry: kind('registry', registryConfigSchema, async (config: RegistryConfig) => {
    const prepared = prepareRegistry(config);
    return { makeDefinition: () => registryServer(prepared), warnings: [], close: () => prepared.close() };
  }),
  sessions: {
    ...kind('sessions', sessionsConfigSchema, async (config: SessionsConfig) => {
      const prepared = await prepareSessions(config);
      return { makeDefinition: () => sessionsServer(prepared), warnings: [], close: () => prepared.close() };
    }),
    needsConnections:
      'each connection of the sessions server is one session holding a slot, and the gateway serves stateless ' +
      'HTTP, where every client would share one; run `rampart sessions` over stdio for each assistant instead ' +
      '(with the Redis store to share state between machines)',
  },
} as const satisfies Record<string, ServerKind>;

export type ServerKindName = keyof typeof SERVER_KINDS;
export const SERVER_KIND_NAMES = Object.keys(SERVER_KINDS) as [ServerKindName, ...ServerKindName[]];
