import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../core/config.js';
import { defineServer, type ServerDefinition } from '../../core/define.js';
import { expandHome } from '../../guards/path.js';
import type { DbConfig } from './config.js';
import { DEMO_DATABASE, ensureDemoDatabase } from './demo.js';
import type { Engine } from './engine.js';
import { dbResources } from './resources.js';
import { dbTools } from './tools.js';

export { type DbConfig, dbConfigSchema } from './config.js';
export { DEMO_DATABASE, ensureDemoDatabase } from './demo.js';

import { hideUrlPassword } from '../../guards/redact.js';

export const DB_VERSION = '0.1.0';

// Each engine's module (and its driver: pg with libpg_query, mysql2, better-sqlite3) loads only when its URL is
// given.
async function openSqlite(location: string, writable: boolean): Promise<Engine> {
  const file = path.resolve(expandHome(location));
  if (!existsSync(file) && !writable)
    throw new ConfigError(
      `url sqlite:${location}: no such database file (with --allow-writes it is created)`,
    );
  if (existsSync(file) && !statSync(file).isFile())
    throw new ConfigError(`url sqlite:${location}: not a regular file`);
  if (!existsSync(file)) {
    const { default: Database } = await import('better-sqlite3');
    new Database(file).close();
  }
  const { SqliteEngine } = await import('./sqlite.js');
  return new SqliteEngine({ file, writable });
}

/** Opens the engine a URL names, checking the connection and the allowed schemas once, at start. */
export async function openEngine(config: DbConfig): Promise<Engine> {
  const url = config.url ?? `sqlite:${await ensureDemoDatabase(DEMO_DATABASE)}`;
  const settings = {
    url,
    schemas: config.schemas,
    poolSize: config.poolSize,
    statementTimeoutMs: config.timeoutMs,
    shownUrl: hideUrlPassword(url),
  };
  if (url.startsWith('sqlite:')) {
    if (config.schemas.some((s) => s !== 'main'))
      throw new ConfigError('schemas: a SQLite database has one schema, main');
    return openSqlite(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''), config.allowWrites);
  }
  if (/^postgres(ql)?:\/\//.test(url))
    return (await import('./postgres.js')).PostgresEngine.connect(settings);
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const { MysqlEngine } = await import('./mysql.js');
    return MysqlEngine.connect({ ...settings, url: url.replace(/^mariadb:/, 'mysql:') });
  }
  throw new ConfigError(`url ${hideUrlPassword(url)}: use sqlite:<path>, postgres://… or mysql://…`);
}

export function dbServer(engine: Engine, config: DbConfig): ServerDefinition {
  const where =
    engine.dialect === 'sqlite' ? 'SQLite' : engine.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
  return defineServer({
    name: 'db',
    version: DB_VERSION,
    instructions:
      `SQL over ${where}, schemas ${engine.schemas.join(', ')}. Start with list_tables and describe_table, then ` +
      'query with params for values. Resources: db://schemas, db://tables and db://tables/{table} (columns, keys, ' +
      'indexes). ' +
      (config.allowWrites
        ? 'execute runs one writing statement at a time and commits it.'
        : 'This server is read-only: the engine refuses writes.'),
    tools: dbTools(engine, { allowWrites: config.allowWrites, maxRows: config.maxRows }),
    ...dbResources(engine),
  });
}
