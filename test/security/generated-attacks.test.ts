import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../src/core/define.js';
import { generate } from '../../src/generator/index.js';
import { connectTestClient, type TestClient } from '../../src/toolkit/index.js';
import { type Fixture, sqliteFixture, T_ROWS } from '../helpers/databases.js';
import { REPO } from '../helpers/mcp.js';
import {
  expectRefused,
  type Layout,
  makeLayout,
  OUTSIDE,
  plantEscapeLinks,
  SECRET,
} from '../helpers/sandbox.js';
import { VIRTUAL_ROOT } from '../helpers/typecheck.js';

/**
 * The servers `rampart new` generates face the attacks Rampart's own fs and db servers are tested with
 * (test/security/fs-attacks and sql-attacks), through their generated tools and a real MCP client.
 */
const OUT = path.join(VIRTUAL_ROOT, 'generated-attacks');

async function generatedServer(
  spec: Record<string, unknown>,
): Promise<(...args: never[]) => Promise<ServerDefinition>> {
  const dir = path.join(OUT, String(spec.kind));
  const toolkit = path.join(REPO, 'src/toolkit/index.js');
  for (const [file, text] of generate(spec, { toolkit: '^0.1.0' })) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    const entry = path.relative(path.dirname(target), toolkit);
    writeFileSync(target, text.replaceAll("'rampart-mcp/toolkit'", `'${entry}'`));
  }
  return (await import(path.join(dir, 'src/server.ts'))).createServer;
}

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('a generated fs server refuses what Rampart fs refuses', () => {
  let layout: Layout;
  let client: TestClient;

  beforeAll(async () => {
    layout = makeLayout();
    const { root } = layout;
    plantEscapeLinks(layout);
    mkdirSync(path.join(root, 'sub'));
    const createServer = await generatedServer({ kind: 'fs', name: 'attacked-fs' });
    client = await connectTestClient(
      await (createServer as (o: { roots: string[]; readOnly: boolean }) => Promise<ServerDefinition>)({
        roots: [root],
        readOnly: false,
      }),
    );
  });

  afterAll(async () => {
    await client?.close();
    layout?.cleanup();
  });

  it('refuses an absolute path outside the roots', async () => {
    expectRefused(await client.call('read_file', { path: '/etc/passwd' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: layout.secretFile }), OUTSIDE);
    expectRefused(await client.call('list_directory', { path: '/' }), OUTSIDE);
    expectRefused(
      await client.call('write_file', { path: path.join(layout.outside, 'x.txt'), content: 'x' }),
      OUTSIDE,
    );
    expect(existsSync(path.join(layout.outside, 'x.txt'))).toBe(false);
  });

  it('refuses ../ traversal', async () => {
    expectRefused(await client.call('read_file', { path: '../outside/secret.txt' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: 'sub/../../outside/secret.txt' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: `${layout.root}/../outside/secret.txt` }), OUTSIDE);
    expectRefused(await client.call('write_file', { path: '../outside/new.txt', content: 'x' }), OUTSIDE);
    expect(existsSync(path.join(layout.outside, 'new.txt'))).toBe(false);
  });

  it('refuses a prefix sibling (/x/root vs /x/root_secret)', async () => {
    expectRefused(await client.call('read_file', { path: path.join(layout.sibling, 'secret.txt') }), OUTSIDE);
    expectRefused(await client.call('list_directory', { path: layout.sibling }), OUTSIDE);
  });

  it('refuses a NUL byte in a path', async () => {
    expectRefused(await client.call('read_file', { path: 'hello.txt\0../../etc/passwd' }), /NUL byte/);
    expectRefused(await client.call('write_file', { path: 'evil\0.txt', content: 'x' }), /NUL byte/);
  });

  it('refuses symlinks that point outside, for reading, listing and writing', async () => {
    expectRefused(await client.call('read_file', { path: 'link-to-secret' }), OUTSIDE);
    expectRefused(await client.call('read_file', { path: 'link-to-outside/secret.txt' }), OUTSIDE);
    expectRefused(await client.call('list_directory', { path: 'link-to-outside' }), OUTSIDE);
    expectRefused(
      await client.call('write_file', { path: 'link-to-secret', content: 'overwritten' }),
      OUTSIDE,
    );
    expectRefused(
      await client.call('write_file', { path: 'link-to-outside/planted.txt', content: 'x' }),
      OUTSIDE,
    );
    expectRefused(await client.call('write_file', { path: 'dangling', content: 'planted' }), OUTSIDE);
    expect(existsSync(path.join(layout.outside, 'planted.txt'))).toBe(false);
    expect(existsSync(path.join(layout.outside, 'not-yet.txt'))).toBe(false);
  });

  it('never shows the secret', async () => {
    for (const p of ['link-to-secret', '../outside/secret.txt', layout.secretFile])
      expect((await client.call('read_file', { path: p })).text).not.toContain(SECRET);
  });
});

const SQLITE_ATTACKS: readonly (readonly [string, string])[] = [
  ['stacked statements (SELECT 1; DROP TABLE t)', 'SELECT 1; DROP TABLE t'],
  ['a plain DELETE', 'DELETE FROM t'],
  ['COMMIT; DROP TABLE t', 'COMMIT; DROP TABLE t'],
  ['ROLLBACK; DELETE FROM t', 'ROLLBACK; DELETE FROM t'],
  ['a writable CTE', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d'],
  ['ATTACH DATABASE', "ATTACH DATABASE '/tmp/rampart-generated-attached.sqlite' AS x"],
  ["load_extension('/tmp/evil')", "SELECT load_extension('/tmp/evil')"],
  ['PRAGMA writable_schema = 1', 'PRAGMA writable_schema = 1'],
  ['PRAGMA journal_mode = WAL', 'PRAGMA journal_mode = WAL'],
  ['PRAGMA query_only = 0', 'PRAGMA query_only = 0'],
  ["VACUUM INTO '/tmp/…'", "VACUUM INTO '/tmp/rampart-generated-vacuum.sqlite'"],
  ['a DELETE hidden after a comment', '/* SELECT */ DELETE FROM t'],
];

describe('a generated db server refuses what Rampart db refuses (SQLite)', () => {
  let layout: Layout;
  let fixture: Fixture;
  let client: TestClient;

  beforeAll(async () => {
    layout = makeLayout();
    fixture = await sqliteFixture(layout.base);
    const createServer = (await generatedServer({ kind: 'db', name: 'attacked-db' })) as (
      url: string,
    ) => Promise<ServerDefinition>;
    client = await connectTestClient(await createServer(fixture.url));
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.cleanup();
    layout?.cleanup();
  });

  for (const [name, sql] of SQLITE_ATTACKS) {
    it(`refuses ${name}`, async () => {
      const result = await client.call('query', { sql });
      expect(result.isError, result.text).toBe(true);
      expect(result.text.split('\n')).toHaveLength(1);
      expect(await fixture.countT()).toBe(T_ROWS);
    });
  }

  it('wrote no file on the server', () => {
    expect(existsSync('/tmp/rampart-generated-attached.sqlite')).toBe(false);
    expect(existsSync('/tmp/rampart-generated-vacuum.sqlite')).toBe(false);
  });
});
