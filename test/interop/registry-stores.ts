import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../../src/registry-server/index.js';
import { PG_ADMIN_URL } from '../helpers/databases.js';
import { describeWithService } from '../helpers/services.js';

export type StoreName = 'SQLite' | 'PostgreSQL';

/** The base URL of the registry the enclosing describe block started (call it inside a test). */
export type RegistryUrl = () => string;

/**
 * Starts an embedded registry on `store` before the block's tests and stops it after: SQLite in a fresh temp
 * directory, PostgreSQL in a database created for this run and dropped afterwards.
 */
function registryOn(store: StoreName): RegistryUrl {
  let running: RunningRegistry | undefined;
  let cleanup = async (): Promise<void> => {};

  beforeAll(async () => {
    if (store === 'SQLite') {
      const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-interop-')));
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
      running = await startRegistryServer(
        registryServerConfigSchema.parse({
          port: 0,
          sqlitePath: path.join(dir, 'registry.db'),
          logLevel: 'silent',
        }),
      );
      return;
    }
    const database = `rampart_interop_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    cleanup = async () => {
      const dropper = new pg.Client({ connectionString: PG_ADMIN_URL });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    };
    running = await startRegistryServer(
      registryServerConfigSchema.parse({
        port: 0,
        store: 'postgres',
        postgresUrl: PG_ADMIN_URL.replace(/\/test$/, `/${database}`),
        logLevel: 'silent',
        drainSeconds: 1,
      }),
    );
  });

  afterAll(async () => {
    try {
      await running?.close();
    } finally {
      await cleanup();
    }
  });

  return () => {
    if (!running) throw new Error(`the registry on ${store} did not start`);
    return running.url;
  };
}

const STORES: readonly StoreName[] = ['SQLite', 'PostgreSQL'];

/**
 * The same suite once per store (the describe.each of this directory). PostgreSQL must listen on
 * 127.0.0.1:5432: when it does not, its half is skipped with a printed reason, or fails under CI=true.
 */
export async function describeEachStore(
  title: string,
  body: (url: RegistryUrl, store: StoreName) => void,
): Promise<void> {
  for (const store of STORES) {
    const name = `${title} on ${store}`;
    const suite = () => body(registryOn(store), store);
    if (store === 'PostgreSQL') await describeWithService('PostgreSQL', 5432, name, suite);
    else describe(name, suite);
  }
}
