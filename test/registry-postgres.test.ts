import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createLogger } from '../src/core/log.js';
import { registryApp } from '../src/registry-server/api/app.js';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { Registry } from '../src/registry-server/registry.js';
import type { RegistryStore } from '../src/registry-server/store/types.js';
import { PG_ADMIN_URL } from './helpers/databases.js';
import { describeWithService } from './helpers/services.js';

const SUBJECTS = 10;
const DISTINCT_SCHEMAS = 25;
const REGISTRATIONS = 200;

const schemaNumber = (n: number) =>
  JSON.stringify({ type: 'record', name: `S${n}`, fields: [{ name: `f${n}`, type: 'int' }] });

/** Records that any other of them can read (every field but `id` is optional): BACKWARD-compatible in any order. */
const evolvable = (tag: string) =>
  JSON.stringify({
    type: 'record',
    name: 'Value',
    fields: [
      { name: 'id', type: 'long' },
      { name: `f_${tag}`, type: ['null', 'string'], default: null },
    ],
  });

/** A record that cannot read the others' data (a required field they lack): only a NONE subject takes it. */
const breaking = (tag: string) =>
  JSON.stringify({ type: 'record', name: 'Value', fields: [{ name: `g_${tag}`, type: 'int' }] });

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

await describeWithService('PostgreSQL', 5432, 'registry-server on a shared PostgreSQL store', () => {
  const database = `rampart_registry_${randomBytes(4).toString('hex')}`;
  const instances: RunningRegistry[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const postgresUrl = PG_ADMIN_URL.replace(/\/test$/, `/${database}`);
    for (let i = 0; i < 2; i++) {
      instances.push(
        await startRegistryServer(
          registryServerConfigSchema.parse({ port: 0, store: 'postgres', postgresUrl, logLevel: 'silent' }),
        ),
      );
    }
  });

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  const post = async (instance: RunningRegistry, route: string, body: unknown) => {
    const response = await fetch(`${instance.url}${route}`, {
      method: route.startsWith('/config') ? 'PUT' : 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (instance: RunningRegistry, route: string) =>
    (await (await fetch(`${instance.url}${route}`)).json()) as unknown;

  it('two instances, 200 concurrent registrations of overlapping schemas: one id per schema, dense versions', async () => {
    const [a, b] = instances as [RunningRegistry, RunningRegistry];
    expect((await post(a, '/config', { compatibility: 'NONE' })).status).toBe(200);
    const jobs = Array.from({ length: REGISTRATIONS }, (_, i) => {
      const subject = `subject-${i % SUBJECTS}`;
      const schema = (i * 7) % DISTINCT_SCHEMAS;
      return { subject, schema, instance: i % 2 === 0 ? a : b };
    });
    const results = await Promise.all(
      jobs.map(async (job) => ({
        ...job,
        answer: await post(job.instance, `/subjects/${job.subject}/versions`, {
          schema: schemaNumber(job.schema),
        }),
      })),
    );
    for (const r of results) expect(r.answer.status, JSON.stringify(r.answer.body)).toBe(200);
    const idOf = new Map<number, number>();
    for (const r of results) {
      const id = r.answer.body.id as number;
      const known = idOf.get(r.schema);
      if (known === undefined) idOf.set(r.schema, id);
      else expect(id).toBe(known);
    }
    expect(new Set(idOf.values()).size).toBe(idOf.size);
    for (let s = 0; s < SUBJECTS; s++) {
      const subject = `subject-${s}`;
      const versions = (await get(b, `/subjects/${subject}/versions`)) as number[];
      const distinct = new Set(jobs.filter((j) => j.subject === subject).map((j) => j.schema));
      expect(versions).toEqual(Array.from({ length: distinct.size }, (_, i) => i + 1));
      const ids = await Promise.all(
        versions.map(
          async (v) => ((await get(a, `/subjects/${subject}/versions/${v}`)) as { id: number }).id,
        ),
      );
      expect(new Set(ids).size).toBe(versions.length);
    }
  }, 60_000);

  it('an instance sees what the other registered, and compatibility holds across them', async () => {
    const [a, b] = instances as [RunningRegistry, RunningRegistry];
    await post(a, '/config/shared-value', { compatibility: 'BACKWARD' });
    const v1 = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'int' }] });
    const breaking = JSON.stringify({
      type: 'record',
      name: 'T',
      fields: [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'int' },
      ],
    });
    expect((await post(a, '/subjects/shared-value/versions', { schema: v1 })).status).toBe(200);
    const refused = await post(b, '/subjects/shared-value/versions', { schema: breaking });
    expect(refused.status).toBe(409);
    // 409 from older Confluent releases, 40901 from newer ones.
    expect(String(refused.body.error_code)).toMatch(/^409/);
  });
  it('two instances, 120 concurrent registrations over 4 NONE and BACKWARD subjects: no errors, one id per schema, dense versions both agree on', async () => {
    const [a, b] = instances as [RunningRegistry, RunningRegistry];
    const run = randomBytes(3).toString('hex');
    const subjects = [`none-a-${run}`, `none-b-${run}`, `backward-a-${run}`, `backward-b-${run}`];
    for (const [i, subject] of subjects.entries()) {
      const compatibility = i < 2 ? 'NONE' : 'BACKWARD';
      expect((await post(a, `/config/${subject}`, { compatibility })).status).toBe(200);
    }
    // 20 schemas each sent twice to a NONE subject and twice to a BACKWARD one, all at the same time, and 40 that
    // only a NONE subject accepts.
    const jobs = [
      ...Array.from({ length: 80 }, (_, i) => ({
        subject: subjects[(i < 40 ? 0 : 2) + (i % 2)] as string,
        key: `shared-${i % 20}`,
        schema: evolvable(`${run}_${i % 20}`),
      })),
      ...Array.from({ length: 40 }, (_, i) => ({
        subject: subjects[i % 2] as string,
        key: `breaking-${i}`,
        schema: breaking(`${run}_${i}`),
      })),
    ];
    const results = await Promise.all(
      jobs.map(async (job, i) => ({
        ...job,
        answer: await post(i % 2 === 0 ? a : b, `/subjects/${job.subject}/versions`, { schema: job.schema }),
      })),
    );
    const failed = results.filter((r) => r.answer.status !== 200);
    expect(failed.map((r) => `${r.subject}: ${r.answer.status} ${JSON.stringify(r.answer.body)}`)).toEqual(
      [],
    );
    const idOf = new Map<string, number>();
    for (const r of results) {
      const id = r.answer.body.id as number;
      expect(idOf.get(r.key) ?? id, r.key).toBe(id);
      idOf.set(r.key, id);
    }
    expect(new Set(idOf.values()).size).toBe(idOf.size);
    for (const subject of subjects) {
      const expected = new Set(jobs.filter((j) => j.subject === subject).map((j) => idOf.get(j.key)));
      const [fromA, fromB] = await Promise.all([
        get(a, `/subjects/${subject}/versions`),
        get(b, `/subjects/${subject}/versions`),
      ]);
      expect(fromA).toEqual(Array.from({ length: expected.size }, (_, i) => i + 1));
      expect(fromB).toEqual(fromA);
      const ids = await Promise.all(
        (fromA as number[]).map(async (v) => {
          const [x, y] = await Promise.all([
            get(a, `/subjects/${subject}/versions/${v}`),
            get(b, `/subjects/${subject}/versions/${v}`),
          ]);
          expect(y).toEqual(x);
          return (x as { id: number }).id;
        }),
      );
      expect(new Set(ids)).toEqual(expected);
    }
    const refused = await post(b, `/subjects/${subjects[2]}/versions`, { schema: breaking(`${run}_late`) });
    expect(refused.status).toBe(409);
    // 409 from older Confluent releases, 40901 from newer ones.
    expect(String(refused.body.error_code)).toMatch(/^409/);
  }, 60_000);

  it.each(['NONE', 'BACKWARD'])(
    '20 different schemas registered at once under one %s subject on one instance: all registered, versions 1..20',
    async (compatibility) => {
      const [a] = instances as [RunningRegistry];
      const run = randomBytes(3).toString('hex');
      const subject = `twenty-${compatibility.toLowerCase()}-${run}`;
      expect((await post(a, `/config/${subject}`, { compatibility })).status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(a, `/subjects/${subject}/versions`, { schema: evolvable(`${run}_${i}`) }),
        ),
      );
      expect(answers.filter((r) => r.status !== 200)).toEqual([]);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(20);
      expect(await get(a, `/subjects/${subject}/versions`)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    },
    60_000,
  );

  it('a connection the database dropped is retried, not answered 50001', async () => {
    const [a] = instances as [RunningRegistry];
    const run = randomBytes(3).toString('hex');
    await withAdmin((admin) =>
      admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      ),
    );
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        post(a, `/subjects/after-reset-${run}/versions`, { schema: evolvable(`${run}_${i}`) }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });
  it('a store failure is logged to stderr with its cause, never with the password in the store URL', async () => {
    const tag = randomBytes(4).toString('hex');
    const role = `rampart_registry_${tag}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const name = `rampart_registry_gone_${tag}`;
    await withAdmin(async (admin) => {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${role}`);
    });
    const postgresUrl = `postgres://${role}:${password}@127.0.0.1:5432/${name}`;
    const failing = await startRegistryServer(
      registryServerConfigSchema.parse({ port: 0, store: 'postgres', postgresUrl, logLevel: 'error' }),
    );
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await withAdmin((admin) => admin.query(`DROP DATABASE ${name} WITH (FORCE)`));
      const answer = await post(failing, '/subjects/gone-value/versions', { schema: evolvable(tag) });
      expect(answer).toEqual({
        status: 500,
        body: { error_code: 50001, message: 'Error in the backend data store' },
      });
      const logged = written.join('');
      expect(logged).toContain('POST /subjects/gone-value/versions');
      expect(logged).toContain(`database "${name}" does not exist`);
      expect(logged).not.toContain(password);
    } finally {
      spy.mockRestore();
      await failing.close();
      await withAdmin(async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
      });
    }
  });
});

it('a store failure naming its URL is logged with the password hidden', async () => {
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const failing = new Proxy({} as RegistryStore, {
    get: () => async () => {
      throw new Error(`connect ECONNRESET postgres://registry:${password}@db.internal:5432/registry`);
    },
  });
  const lines: string[] = [];
  const app = registryApp(new Registry(failing, { compatibility: 'BACKWARD', mode: 'READWRITE' }), {
    auth: 'none',
    credentials: [],
    maxBodyBytes: 1024,
    logger: createLogger({ level: 'error', write: (line) => lines.push(line) }),
  });
  const response = await app.fetch(new Request('http://registry/subjects/some-value/versions'));
  expect(response.status).toBe(500);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('GET /subjects/some-value/versions');
  expect(lines[0]).toContain('ECONNRESET');
  expect(lines[0]).toContain('db.internal:5432/registry');
  expect(lines[0]).not.toContain(password);
});
