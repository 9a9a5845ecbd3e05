import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/config.js';
import { defineServer, type ServerDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import type { SessionsConfig } from './config.js';
import { excludeFromGit } from './git-exclude.js';
import { detectIdentity } from './identity.js';
import type { PreparedSessions } from './prepared.js';
import { sessionPrompts, sessionResources, sessionStateTemplate } from './resources.js';
import { Session } from './session.js';
import { migrate, readSettings } from './storage.js';
import { FileStore } from './store/file-store.js';
import { RedisStore } from './store/redis-store.js';
import type { SessionStore } from './store/types.js';
import { leaseTools, messageTools } from './tools/coordination.js';
import { signTools } from './tools/sign.js';
import { stateTools } from './tools/state.js';
import { storageTool } from './tools/storage.js';

export { type SessionsConfig, sessionsConfigSchema } from './config.js';
export type { PreparedSessions } from './prepared.js';

export const SESSIONS_VERSION = '0.1.0';

async function readCa(file: string): Promise<string> {
  try {
    return await readFile(path.resolve(file), 'utf8');
  } catch {
    throw new ConfigError(`redisTlsCa "${file}" cannot be read`);
  }
}

export async function openStore(
  config: SessionsConfig,
  kind: SessionStore['kind'],
  project: string,
): Promise<SessionStore> {
  if (kind === 'file') {
    const directory = path.resolve(config.projectDir, config.directory);
    const store = await FileStore.open(directory, project);
    await excludeFromGit(directory);
    return store;
  }
  if (!config.redisUrl) {
    throw new ConfigError(
      'the Redis store needs redisUrl: start with --redis-url redis://host:6379 (or RAMPART_SESSIONS_REDIS_URL)',
    );
  }
  try {
    return await RedisStore.open(
      {
        url: config.redisUrl,
        keyPrefix: config.redisKeyPrefix,
        ...(config.redisUsername ? { username: config.redisUsername } : {}),
        ...(config.redisPassword ? { password: config.redisPassword } : {}),
        ...(config.redisTlsCa ? { tlsCa: await readCa(config.redisTlsCa) } : {}),
      },
      project,
    );
  } catch (error) {
    throw error instanceof Refusal ? new ConfigError(error.message) : error;
  }
}

export async function prepareSessions(config: SessionsConfig): Promise<PreparedSessions> {
  const identity = await detectIdentity(config);
  const kind = config.store ?? (await readSettings(config.projectDir))?.store ?? 'file';
  let current = await openStore(config, kind, identity.project);
  let switching: Promise<unknown> = Promise.resolve();
  return {
    identity,
    config,
    store: () => current,
    switchStore(next) {
      const run = switching.then(async () => {
        const from = current;
        const to = await openStore(config, next, identity.project);
        try {
          const migrated = await migrate(from, to);
          current = to;
          await from.close();
          return { from, to, migrated };
        } catch (error) {
          await to.close();
          throw error;
        }
      });
      switching = run.catch(() => undefined);
      return run;
    },
    close: () => current.close(),
  };
}

/** The sessions server for one connection: its own session slot, the project's shared store. */
export function sessionsServer(prepared: PreparedSessions): ServerDefinition {
  const session = new Session(prepared.store, prepared.identity, {
    maxSlots: prepared.config.maxSlots,
    ttlMs: prepared.config.sessionTtlMs,
  });
  const ctx = { session, store: prepared.store };
  return defineServer({
    name: 'sessions',
    version: SESSIONS_VERSION,
    instructions:
      `Coordinates the assistant sessions working on ${prepared.identity.project}. Call sign_on first to take a ` +
      'session slot (claude_N); every later call renews it, and sign_off frees it. Shared state is JSON values ' +
      'under scope and key, seen by every session of the project: use compare_and_set or increment when ' +
      'several sessions may change the same key. Take a lease (acquire_lease) before working on something others ' +
      'might touch, and leave other sessions messages with send_message.',
    tools: [
      ...signTools(ctx),
      ...stateTools(ctx),
      ...leaseTools(ctx, prepared.config.sessionTtlMs),
      ...messageTools(ctx),
      storageTool(prepared),
    ],
    resources: sessionResources(prepared, session),
    resourceTemplates: [sessionStateTemplate(prepared)],
    prompts: sessionPrompts(prepared, session),
    // A connection that ends cleanly frees its slot at once instead of holding it until the lease runs out.
    dispose: async () => {
      await session.signOff();
    },
  });
}
