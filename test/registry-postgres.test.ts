import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { PG_ADMIN_URL } from './helpers/databases.js';
import { describeWithService } from './helpers/services.js';

const SUBJECTS = 10;
const DISTINCT_SCHEMAS = 25;
const REGISTRATIONS = 200;

const schemaNumber = (n: number) =>
  JSON.stringify({ type: 'record', name: `S${n}`, fields: [{ name: `f${n}`, type: 'int' }] });

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
    expect(refused).toMatchObject({ status: 409, body: { error_code: 409 } });
  });
});
