import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Rows every fixture table `t` starts with; attacks must leave exactly these. */
export const T_ROWS = 3;

export interface Fixture {
  /** URL of a privileged connection (PostgreSQL superuser, MariaDB root, the SQLite file). */
  readonly url: string;
  /** Schema the server is allowed (tables t, parent, child; sequence s). */
  readonly app: string;
  /** A schema outside the allowlist, holding `secrets`. */
  readonly other: string;
  /** Rows in app.t, and whether app.t still exists. */
  countT(): Promise<number>;
  cleanup(): Promise<void>;
}

export interface PostgresFixture extends Fixture {
  /** URL of a SELECT-only role the fixture created. */
  readonly readerUrl: string;
}

const tag = () => `rt${randomBytes(4).toString('hex')}`;

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const MARIADB_ADMIN_URL = 'mysql://root@127.0.0.1:3306/test';

export async function postgresFixture(): Promise<PostgresFixture> {
  const id = tag();
  const app = `${id}_app`;
  const other = `${id}_private`;
  const reader = `${id}_reader`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`
    CREATE SCHEMA ${app}; CREATE SCHEMA ${other};
    CREATE TABLE ${app}.t (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x');
    INSERT INTO ${app}.t VALUES (1, 'one'), (2, 'two'), (3, 'three');
    CREATE TABLE ${app}.parent (id int PRIMARY KEY);
    CREATE TABLE ${app}.child (id serial PRIMARY KEY, parent_id int REFERENCES ${app}.parent(id), note text);
    CREATE INDEX child_note ON ${app}.child (note);
    CREATE SEQUENCE ${app}.s;
    CREATE TABLE ${other}.secrets (v text); INSERT INTO ${other}.secrets VALUES ('top secret');
    CREATE ROLE ${reader} LOGIN;
    GRANT USAGE ON SCHEMA ${app} TO ${reader};
    GRANT SELECT ON ALL TABLES IN SCHEMA ${app} TO ${reader};
  `);
  return {
    url: PG_ADMIN_URL,
    readerUrl: `postgres://${reader}@127.0.0.1:5432/test`,
    app,
    other,
    async countT() {
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${app}.t`);
      return (rows[0] as { n: number }).n;
    },
    async cleanup() {
      await admin.query(`DROP SCHEMA ${app} CASCADE; DROP SCHEMA ${other} CASCADE; DROP ROLE ${reader}`);
      await admin.end();
    },
  };
}

export async function mariadbFixture(): Promise<Fixture> {
  const id = tag();
  const app = `${id}_app`;
  const other = `${id}_private`;
  const admin = await mysql.createConnection({ uri: MARIADB_ADMIN_URL, multipleStatements: true });
  await admin.query(`
    CREATE DATABASE ${app}; CREATE DATABASE ${other};
    CREATE TABLE ${app}.t (id int PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'x');
    INSERT INTO ${app}.t VALUES (1, 'one'), (2, 'two'), (3, 'three');
    CREATE TABLE ${app}.parent (id int PRIMARY KEY);
    CREATE TABLE ${app}.child (id int AUTO_INCREMENT PRIMARY KEY, parent_id int, note varchar(40),
      INDEX child_note (note), FOREIGN KEY (parent_id) REFERENCES ${app}.parent(id));
    CREATE TABLE ${other}.secrets (v text); INSERT INTO ${other}.secrets VALUES ('top secret');
  `);
  return {
    url: `mysql://root@127.0.0.1:3306/${app}`,
    app,
    other,
    async countT() {
      const [rows] = (await admin.query(`SELECT count(*) AS n FROM ${app}.t`)) as unknown as [
        { n: number }[],
      ];
      return Number(rows[0]?.n);
    },
    async cleanup() {
      await admin.query(`DROP DATABASE ${app}; DROP DATABASE ${other}`);
      await admin.end();
    },
  };
}

export async function sqliteFixture(dir: string): Promise<Fixture> {
  const file = path.join(dir, 'app.sqlite');
  const db = new Database(file);
  db.exec(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x');
    INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), note TEXT);
    CREATE INDEX child_note ON child (note);
  `);
  db.close();
  return {
    url: `sqlite:${file}`,
    app: 'main',
    other: 'other',
    async countT() {
      const check = new Database(file, { readonly: true });
      try {
        return (check.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
      } finally {
        check.close();
      }
    },
    async cleanup() {},
  };
}
