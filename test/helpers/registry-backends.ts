import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../../src/registry-server/index.js';
import { PG_ADMIN_URL } from './databases.js';

/** Starts embedded registry-servers on one kind of store, each with its own data, and removes them all after. */
export interface RegistryBackend {
  readonly store: 'SQLite' | 'PostgreSQL';
  start(): Promise<RunningRegistry>;
  /** Stops every registry it started and deletes their data. */
  cleanup(): Promise<void>;
}

export function sqliteBackend(): RegistryBackend {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registries-')));
  const running: RunningRegistry[] = [];
  return {
    store: 'SQLite',
    async start() {
      const sqlitePath = path.join(base, `${running.length}.db`);
      const registry = await startRegistryServer(
        registryServerConfigSchema.parse({ port: 0, sqlitePath, logLevel: 'silent' }),
      );
      running.push(registry);
      return registry;
    },
    async cleanup() {
      await Promise.all(running.map((r) => r.close()));
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** One fresh database per registry on the local PostgreSQL, dropped at cleanup. */
export function postgresBackend(): RegistryBackend {
  const tag = randomBytes(4).toString('hex');
  const running: RunningRegistry[] = [];
  const databases: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    store: 'PostgreSQL',
    async start() {
      const database = `rampart_tools_${tag}_${databases.length}`;
      await admin((c) => c.query(`CREATE DATABASE ${database}`));
      databases.push(database);
      const postgresUrl = PG_ADMIN_URL.replace(/\/test$/, `/${database}`);
      const registry = await startRegistryServer(
        registryServerConfigSchema.parse({ port: 0, store: 'postgres', postgresUrl, logLevel: 'silent' }),
      );
      running.push(registry);
      return registry;
    },
    async cleanup() {
      await Promise.all(running.map((r) => r.close()));
      await admin(async (c) => {
        for (const database of databases) await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      });
    },
  };
}
