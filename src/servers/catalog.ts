import type { z } from 'zod';
import type { ServerDefinition } from '../core/define.js';
import { keepTools, resolveToolOffer, type ToolOffer, type ToolSelection } from '../core/tool-selection.js';

/** A server ready to serve: a definition per connection, and what it holds open (a connection pool). */
export interface PreparedServer {
  makeDefinition(): ServerDefinition;
  /** Things the operator must hear about at start (a superuser database connection, say). */
  readonly warnings: readonly string[];
  /** Offer only read-only tools whatever the config says (a deprecated setting asked for it). */
  readonly readOnly?: boolean;
  close(): Promise<void>;
}

/** A prepared server whose definitions carry only the tools the operator chose. */
export interface SelectedServer extends PreparedServer {
  readonly offer: ToolOffer;
}

/** A server kind's code, loaded: its config schema and how to prepare it from a config. */
export interface LoadedKind {
  readonly configSchema: z.ZodObject;
  prepare(config: Record<string, unknown>): Promise<SelectedServer>;
}

export interface ServerKind {
  readonly name: string;
  /**
   * Why this kind cannot be served over the gateway's stateless HTTP, when it keeps state per connection (a
   * session slot, say) that a request-per-call transport would mix up between clients.
   */
  readonly needsConnections?: string;
  /** Imports the server's modules on first use: a command loads only the server it runs. */
  load(): Promise<LoadedKind>;
}

/**
 * Applies the config's tool selection (tools, excludeTools, readOnly) to every definition the server makes, so
 * that the CLI and the gateway register the same tools. Names are checked once, at start, against the tools
 * of a first definition; a refused selection closes what the server opened.
 */
async function selectTools(
  prepared: PreparedServer,
  name: string,
  config: ToolSelection,
): Promise<SelectedServer> {
  try {
    const probe = prepared.makeDefinition();
    await probe.dispose?.();
    const offer = resolveToolOffer(name, probe.tools, {
      ...config,
      readOnly: config.readOnly === true || prepared.readOnly === true,
    });
    return { ...prepared, offer, makeDefinition: () => keepTools(prepared.makeDefinition(), offer) };
  } catch (error) {
    await prepared.close();
    throw error;
  }
}

function kind<S extends z.ZodObject>(
  name: string,
  load: () => Promise<{ configSchema: S; prepare: (config: z.output<S>) => Promise<PreparedServer> }>,
): ServerKind {
  let loading: Promise<LoadedKind> | undefined;
  return {
    name,
    load: () => {
      loading ??= load().then(({ configSchema, prepare }) => ({
        configSchema,
        prepare: async (config) => selectTools(await prepare(config as z.output<S>), name, config),
      }));
      return loading;
    },
  };
}

/**
 * Every server Rampart can run, by kind: what the CLI and the gateway both start. Only names and loaders live
 * here; each server's modules (and its heavy dependencies) load when that server is started.
 */
export const SERVER_KINDS = {
  fs: kind('fs', async () => {
    const { fsConfigSchema, fsServer, prepareFsOptions } = await import('./fs/index.js');
    return {
      configSchema: fsConfigSchema,
      prepare: async (config) => {
        const options = await prepareFsOptions(config);
        return { makeDefinition: () => fsServer(options), warnings: [], close: async () => {} };
      },
    };
  }),
  db: kind('db', async () => {
    const { dbConfigSchema, dbServer, openEngine } = await import('./db/index.js');
    return {
      configSchema: dbConfigSchema,
      prepare: async (config) => {
        const engine = await openEngine(config);
        return {
          makeDefinition: () => dbServer(engine, config),
          warnings: engine.warnings,
          close: () => engine.close(),
        };
      },
    };
  }),
  http: kind('http', async () => {
    const { httpConfigSchema, httpServer, prepareHttp } = await import('./http/index.js');
    return {
      configSchema: httpConfigSchema,
      prepare: async (config) => {
        const prepared = await prepareHttp(config);
        return {
          makeDefinition: () => httpServer(prepared),
          warnings: prepared.warnings,
          close: () => prepared.close(),
        };
      },
    };
  }),
  git: kind('git', async () => {
    const { gitConfigSchema, gitServer, prepareGit } = await import('./git/index.js');
    return {
      configSchema: gitConfigSchema,
      prepare: async (config) => {
        const prepared = await prepareGit(config);
        return { makeDefinition: () => gitServer(prepared), warnings: [], close: async () => {} };
      },
    };
  }),
  krakend: kind('krakend', async () => {
    const { krakendConfigSchema, krakendServer, prepareKrakend } = await import('./krakend/index.js');
    return {
      configSchema: krakendConfigSchema,
      prepare: async (config) => {
        const prepared = await prepareKrakend(config);
        return { makeDefinition: () => krakendServer(prepared), warnings: [], close: async () => {} };
      },
    };
  }),
  registry: kind('registry', async () => {
    const [{ registryConfigSchema, registryServer, prepareRegistry }, { slimModeWarning }] =
      await Promise.all([import('./registry/index.js'), import('./registry/environment.js')]);
    return {
      configSchema: registryConfigSchema,
      prepare: async (config) => {
        const prepared = prepareRegistry(config);
        const slimMode = slimModeWarning();
        return {
          makeDefinition: () => registryServer(prepared),
          warnings: slimMode ? [slimMode] : [],
          readOnly: slimMode !== undefined,
          close: () => prepared.close(),
        };
      },
    };
  }),
  sessions: {
    ...kind('sessions', async () => {
      const { prepareSessions, sessionsConfigSchema, sessionsServer } = await import('./sessions/index.js');
      return {
        configSchema: sessionsConfigSchema,
        prepare: async (config) => {
          const prepared = await prepareSessions(config);
          return {
            makeDefinition: () => sessionsServer(prepared),
            warnings: [],
            close: () => prepared.close(),
          };
        },
      };
    }),
    needsConnections:
      'each connection of the sessions server is one session holding a slot, and the gateway serves stateless ' +
      'HTTP, where every client would share one; run `rampart sessions` over stdio for each assistant instead ' +
      '(with the Redis store to share state between machines)',
  },
} as const satisfies Record<string, ServerKind>;

export type ServerKindName = keyof typeof SERVER_KINDS;
export const SERVER_KIND_NAMES = Object.keys(SERVER_KINDS) as [ServerKindName, ...ServerKindName[]];
