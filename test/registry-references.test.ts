import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type FileDescriptorProto, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../src/registry-server/index.js';
import { MAX_REFERENCED_SCHEMAS, resolveReferences } from '../src/registry-server/references.js';
import { fingerprintOf } from '../src/registry-server/schema-identity.js';
import type { SchemaReference, SchemaType, StoredSchema } from '../src/registry-server/schemas/types.js';
import { SqliteStore } from '../src/registry-server/store/sqlite.js';
import type { RegistrationCheck } from '../src/registry-server/store/types.js';
import { postgresBackend, type RegistryBackend, sqliteBackend } from './helpers/registry-backends.js';
import { restClient } from './helpers/registry-rest.js';
import { describeWithService } from './helpers/services.js';

const ref = (name: string, subject: string, version = 1): SchemaReference => ({ name, subject, version });

const avroRecord = (name: string, fields: readonly { name: string; type: unknown; default?: unknown }[]) =>
  JSON.stringify({ type: 'record', name, namespace: 'x', fields });

const C_PROTO = 'syntax = "proto3";\npackage x;\n\nmessage C {\n  string n = 1;\n}\n';
const B_PROTO = 'syntax = "proto3";\npackage x;\n\nimport "c.proto";\n\nmessage B {\n  C c = 1;\n}\n';
const A_PROTO = 'syntax = "proto3";\npackage x;\n\nimport "b.proto";\n\nmessage A {\n  B b = 1;\n}\n';
// b-public.proto passes c.proto on: a file importing it may name x.C, as protoc allows.
const P_PROTO =
  'syntax = "proto3";\npackage x;\n\nimport public "c.proto";\n\nmessage P {\n  int32 id = 1;\n}\n';
const Q_PROTO =
  'syntax = "proto3";\npackage x;\n\nimport "b-public.proto";\n\nmessage Q {\n  P p = 1;\n  C c = 2;\n}\n';

/** Transitive references over REST, on one store. */
function referencesSuite(makeBackend: () => RegistryBackend): void {
  let backend: RegistryBackend;
  let registry: RunningRegistry;
  const call = restClient(() => registry.url);
  const register = (subject: string, body: Record<string, unknown>) =>
    call('POST', `/subjects/${subject}/versions`, body);

  beforeAll(async () => {
    backend = makeBackend();
    registry = await backend.start();
  });
  afterAll(async () => backend?.cleanup());

  it('registers an Avro schema whose reference has references of its own', async () => {
    const c = avroRecord('C', [{ name: 'n', type: 'string' }]);
    const b = avroRecord('B', [{ name: 'c', type: 'x.C' }]);
    const a = avroRecord('A', [{ name: 'b', type: 'x.B' }]);
    expect((await register('avro-c', { schema: c })).status).toBe(200);
    expect((await register('avro-b', { schema: b, references: [ref('x.C', 'avro-c')] })).status).toBe(200);
    const top = await register('avro-a', { schema: a, references: [ref('x.B', 'avro-b')] });
    expect(top).toMatchObject({ status: 200, body: { version: 1 } });

    // Looked up and tested as it was sent: the chain is resolved each time.
    const found = await call('POST', '/subjects/avro-a', { schema: a, references: [ref('x.B', 'avro-b')] });
    expect(found).toMatchObject({ status: 200, body: { id: top.body.id, version: 1 } });
    const next = avroRecord('A', [
      { name: 'b', type: 'x.B' },
      { name: 'note', type: 'string', default: '' },
    ]);
    const tested = await call('POST', '/compatibility/subjects/avro-a/versions/latest?verbose=true', {
      schema: next,
      references: [ref('x.B', 'avro-b')],
    });
    expect(tested).toMatchObject({ status: 200, body: { is_compatible: true } });
    // Registered, the new version is compared with version 1, whose chain the store reads in its transaction.
    expect(await register('avro-a', { schema: next, references: [ref('x.B', 'avro-b')] })).toMatchObject({
      status: 200,
      body: { version: 2 },
    });

    // A change two references down counts: x.C gains a field without a default, so the new A cannot read the old.
    await call('PUT', '/config/avro-c', { compatibility: 'NONE' });
    await call('PUT', '/config/avro-b', { compatibility: 'NONE' });
    const c2 = avroRecord('C', [
      { name: 'n', type: 'string' },
      { name: 'm', type: 'int' },
    ]);
    expect((await register('avro-c', { schema: c2 })).body).toMatchObject({ version: 2 });
    expect(
      (await register('avro-b', { schema: b, references: [ref('x.C', 'avro-c', 2)] })).body,
    ).toMatchObject({ version: 2 });
    const deeper = { schema: next, references: [ref('x.B', 'avro-b', 2)] };
    const incompatible = await call('POST', '/compatibility/subjects/avro-a/versions/latest', deeper);
    expect(incompatible).toMatchObject({ status: 200, body: { is_compatible: false } });
    expect(await register('avro-a', deeper)).toMatchObject({ status: 409 });
  });

  it('answers format=resolved of the top Avro schema with the whole chain written out', async () => {
    const resolved = await call('GET', '/subjects/avro-a/versions/1?format=resolved');
    expect(resolved.status).toBe(200);
    const schema = JSON.parse(resolved.body.schema);
    expect(schema).toMatchObject({
      name: 'A',
      fields: [
        {
          name: 'b',
          type: {
            type: 'record',
            name: 'B',
            fields: [
              { name: 'c', type: { type: 'record', name: 'C', fields: [{ name: 'n', type: 'string' }] } },
            ],
          },
        },
      ],
    });
    // What it answers stands alone: registered without references, it is accepted.
    expect((await register('avro-resolved', { schema: resolved.body.schema })).status).toBe(200);
  });

  it('registers a JSON Schema whose reference has references of its own', async () => {
    const c = { type: 'object', properties: { n: { type: 'string' } } };
    const b = { type: 'object', properties: { c: { $ref: 'c.json' } } };
    const a = { type: 'object', properties: { b: { $ref: 'b.json' } } };
    const json = (schema: unknown, references: SchemaReference[] = []) => ({
      schemaType: 'JSON',
      schema: JSON.stringify(schema),
      references,
    });
    expect((await register('json-c', json(c))).status).toBe(200);
    expect((await register('json-b', json(b, [ref('c.json', 'json-c')]))).status).toBe(200);
    const top = await register('json-a', json(a, [ref('b.json', 'json-b')]));
    expect(top).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await call('POST', '/subjects/json-a', json(a, [ref('b.json', 'json-b')]))).toMatchObject({
      status: 200,
      body: { id: top.body.id, version: 1 },
    });
    const same = await call(
      'POST',
      '/compatibility/subjects/json-a/versions/latest',
      json(a, [ref('b.json', 'json-b')]),
    );
    expect(same).toMatchObject({ status: 200, body: { is_compatible: true } });

    // n becomes an integer two references down: the old schema's x.c.n and the new one's differ.
    await call('PUT', '/config/json-c', { compatibility: 'NONE' });
    await call('PUT', '/config/json-b', { compatibility: 'NONE' });
    const c2 = { type: 'object', properties: { n: { type: 'integer' } } };
    expect((await register('json-c', json(c2))).body).toMatchObject({ version: 2 });
    expect((await register('json-b', json(b, [ref('c.json', 'json-c', 2)]))).body).toMatchObject({
      version: 2,
    });
    const changed = json(a, [ref('b.json', 'json-b', 2)]);
    const tested = await call('POST', '/compatibility/subjects/json-a/versions/latest?verbose=true', changed);
    expect(tested).toMatchObject({ status: 200, body: { is_compatible: false } });
    expect(JSON.stringify(tested.body.messages)).toMatch(/TYPE_CHANGED/);
    expect(await register('json-a', changed)).toMatchObject({ status: 409 });
  });

  it('registers a Protobuf schema that imports an import, and one that names a type a public import passes on', async () => {
    const proto = (schema: string, references: SchemaReference[] = []) => ({
      schemaType: 'PROTOBUF',
      schema,
      references,
    });
    expect((await register('proto-c', proto(C_PROTO))).status).toBe(200);
    expect((await register('proto-b', proto(B_PROTO, [ref('c.proto', 'proto-c')]))).status).toBe(200);
    expect((await register('proto-p', proto(P_PROTO, [ref('c.proto', 'proto-c')]))).status).toBe(200);
    const a = proto(A_PROTO, [ref('b.proto', 'proto-b')]);
    const top = await register('proto-a', a);
    expect(top).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await call('POST', '/subjects/proto-a', a)).toMatchObject({
      status: 200,
      body: { id: top.body.id },
    });
    const q = proto(Q_PROTO, [ref('b-public.proto', 'proto-p')]);
    const publicTop = await register('proto-q', q);
    expect(publicTop).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await call('POST', '/subjects/proto-q', q)).toMatchObject({
      status: 200,
      body: { id: publicTop.body.id },
    });

    for (const [subject, body] of [
      ['proto-a', a],
      ['proto-q', q],
    ] as const) {
      const tested = await call('POST', `/compatibility/subjects/${subject}/versions/latest`, body);
      expect(tested).toMatchObject({ status: 200, body: { is_compatible: true } });
    }
    // Only what protoc lets a file see: x.C through a plain import of b.proto is not visible to A.
    const hidden = A_PROTO.replace('B b = 1;', 'B b = 1;\n  C c = 2;');
    const refused = await register('proto-hidden', proto(hidden, [ref('b.proto', 'proto-b')]));
    expect(refused).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(refused.body.message).toMatch(/"C"/);
  });

  it('answers format=serialized of the top Protobuf schemas with descriptors that link', async () => {
    const serialized = async (subject: string, name: string) => {
      const answer = await call('GET', `/subjects/${subject}/versions/latest/schema?format=serialized`);
      expect(answer.status).toBe(200);
      const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(answer.body, 'base64'));
      return create(FileDescriptorProtoSchema, { ...file, name });
    };
    const files = new Map<string, FileDescriptorProto>();
    for (const [subject, name] of [
      ['proto-c', 'c.proto'],
      ['proto-b', 'b.proto'],
      ['proto-p', 'b-public.proto'],
      ['proto-a', 'a.proto'],
      ['proto-q', 'q.proto'],
    ] as const)
      files.set(name, await serialized(subject, name));

    const a = files.get('a.proto') as FileDescriptorProto;
    expect(a.dependency).toEqual(['b.proto']);
    expect(a.messageType[0]?.field[0]?.typeName).toBe('.x.B');
    const q = files.get('q.proto') as FileDescriptorProto;
    expect(q.messageType[0]?.field.map((f) => f.typeName)).toEqual(['.x.P', '.x.C']);

    // Linked the way a client links them, and used to write and read a message.
    for (const [top, message] of [
      ['a.proto', 'x.A'],
      ['q.proto', 'x.Q'],
    ] as const) {
      const linked = createFileRegistry(files.get(top) as FileDescriptorProto, (name) => files.get(name));
      const schema = linked.getMessage(message);
      expect(schema).toBeDefined();
      if (!schema) continue;
      const value = message === 'x.A' ? { b: { c: { n: 'deep' } } } : { p: { id: 7 }, c: { n: 'public' } };
      // biome-ignore lint/suspicious/noExplicitAny: the message type is only known at run time
      const written = toBinary(schema, create(schema, value as any));
      expect(JSON.stringify(fromBinary(schema, written))).toContain(message === 'x.A' ? 'deep' : 'public');
    }
  });

  it('survives a reference cycle', async () => {
    // A reference to the latest version is the one way to a cycle: cycle-b names cycle-a's latest, and cycle-a's
    // next version names cycle-b, so cycle-a version 2 reaches itself.
    await call('PUT', '/config/cycle-a', { compatibility: 'NONE' });
    const json = (schema: unknown, references: SchemaReference[]) => ({
      schemaType: 'JSON',
      schema: JSON.stringify(schema),
      references,
    });
    expect((await register('cycle-a', json({ type: 'object' }, []))).status).toBe(200);
    const b = json({ type: 'object', properties: { a: { $ref: 'a.json' } } }, [ref('a.json', 'cycle-a', -1)]);
    expect((await register('cycle-b', b)).status).toBe(200);
    const a2 = json({ type: 'object', properties: { b: { $ref: 'b.json' } } }, [ref('b.json', 'cycle-b')]);
    expect((await register('cycle-a', a2)).body).toMatchObject({ version: 2 });

    // Now cycle-a 2 → cycle-b 1 → cycle-a latest (2) → …: every route that resolves references still answers.
    await call('PUT', '/config/cycle-a', { compatibility: 'BACKWARD' });
    expect(await call('POST', '/subjects/cycle-a', a2)).toMatchObject({ status: 200, body: { version: 2 } });
    expect(await call('POST', '/subjects/cycle-b', b)).toMatchObject({ status: 200, body: { version: 1 } });
    const tested = await call('POST', '/compatibility/subjects/cycle-b/versions/latest', b);
    expect(tested).toMatchObject({ status: 200, body: { is_compatible: true } });
    const a3 = json({ type: 'object', properties: { b: { $ref: 'b.json' } }, title: 'A' }, [
      ref('b.json', 'cycle-b'),
    ]);
    expect(await register('cycle-a', a3)).toMatchObject({ status: 200, body: { version: 3 } });
    expect(
      await register('cycle-b', {
        ...b,
        schema: JSON.stringify({ type: 'object', title: 'B', properties: { a: { $ref: 'a.json' } } }),
      }),
    ).toMatchObject({
      status: 200,
      body: { version: 2 },
    });
  });
}

describe('registry-server resolves references transitively, on SQLite', () => referencesSuite(sqliteBackend));

await describeWithService(
  'PostgreSQL',
  5432,
  'registry-server resolves references transitively, on PostgreSQL',
  () => referencesSuite(postgresBackend),
);

/** A check that lets anything in: to write rows as an older release, or a bulk load, would have. */
const noCheck: RegistrationCheck = { needs: () => [], references: () => [], run: () => {} };

async function writeDirectly(
  store: SqliteStore,
  subject: string,
  type: SchemaType,
  schema: string,
  references: readonly SchemaReference[] = [],
): Promise<void> {
  const fingerprint = fingerprintOf({ type, canonical: schema, references }, undefined, undefined);
  await store.register(subject, { type, schema, references, fingerprint }, noCheck);
}

describe('registry-server with schemas written straight into its store', () => {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-references-')));
  let registry: RunningRegistry | undefined;
  const call = restClient(() => registry?.url ?? '');
  const start = async (file: string, work: (store: SqliteStore) => Promise<void>) => {
    const store = new SqliteStore(file);
    try {
      await work(store);
    } finally {
      await store.close();
    }
    registry = await startRegistryServer(
      registryServerConfigSchema.parse({ port: 0, sqlitePath: file, logLevel: 'silent' }),
    );
  };
  afterAll(async () => {
    await registry?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('refuses a reference chain longer than the cap', async () => {
    // chain-1 … chain-1001, each a record holding the one before.
    await start(path.join(base, 'chain.db'), async (store) => {
      await writeDirectly(
        store,
        'chain-1',
        'AVRO',
        JSON.stringify({ type: 'record', name: 'S1', fields: [{ name: 'v', type: 'int' }] }),
      );
      for (let k = 2; k <= MAX_REFERENCED_SCHEMAS + 1; k++) {
        const schema = JSON.stringify({
          type: 'record',
          name: `S${k}`,
          fields: [{ name: 'p', type: `S${k - 1}` }],
        });
        await writeDirectly(store, `chain-${k}`, 'AVRO', schema, [ref(`S${k - 1}`, `chain-${k - 1}`)]);
      }
    });
    const top = (k: number) => ({
      schema: JSON.stringify({ type: 'record', name: 'Top', fields: [{ name: 'p', type: `S${k}` }] }),
      references: [ref(`S${k}`, `chain-${k}`)],
    });
    // Exactly the cap: chain-1000 and the 999 below it.
    expect(await call('POST', '/subjects/top/versions', top(MAX_REFERENCED_SCHEMAS))).toMatchObject({
      status: 200,
      body: { version: 1 },
    });
    for (const route of [
      '/subjects/top/versions',
      '/subjects/top',
      '/compatibility/subjects/top/versions/latest',
    ]) {
      const refused = await call('POST', route, top(MAX_REFERENCED_SCHEMAS + 1));
      expect(refused).toMatchObject({ status: 422, body: { error_code: 42201 } });
      expect(refused.body.message).toMatch(/more than 1000 schemas/);
    }
    await registry?.close();
    registry = undefined;
  });

  it('lets a stored JSON Schema with a $ref to nothing stand, so a compatible next version registers', async () => {
    const dangling = JSON.stringify({
      type: 'object',
      properties: { id: { type: 'string' }, extra: { $ref: 'missing.json' } },
    });
    await start(path.join(base, 'dangling.db'), (store) =>
      writeDirectly(store, 'legacy-value', 'JSON', dangling),
    );
    const next = JSON.stringify({
      type: 'object',
      title: 'Legacy',
      properties: { id: { type: 'string' }, extra: {} },
    });
    const tested = await call('POST', '/compatibility/subjects/legacy-value/versions/latest', {
      schemaType: 'JSON',
      schema: next,
    });
    expect(tested).toMatchObject({ status: 200, body: { is_compatible: true } });
    expect(
      await call('POST', '/subjects/legacy-value/versions', { schemaType: 'JSON', schema: next }),
    ).toMatchObject({
      status: 200,
      body: { version: 2 },
    });
    // An incompatible one is still refused: the stored schema is compared, not skipped.
    const narrowed = JSON.stringify({ type: 'object', properties: { id: { type: 'integer' } } });
    expect(
      await call('POST', '/subjects/legacy-value/versions', { schemaType: 'JSON', schema: narrowed }),
    ).toMatchObject({
      status: 409,
    });
    // A client still cannot register the dangling $ref.
    const refused = await call('POST', '/subjects/elsewhere-value/versions', {
      schemaType: 'JSON',
      schema: dangling,
    });
    expect(refused).toMatchObject({ status: 422, body: { error_code: 42201 } });
  });
});

describe('the reference walk', () => {
  const stored = (schema: string, references: SchemaReference[] = []): StoredSchema => ({
    id: 0,
    type: 'AVRO',
    schema,
    references,
    fingerprint: '',
  });
  /** A loader over `schemas` (by subject, version 1) that counts its reads. */
  const loader = (schemas: Record<string, StoredSchema>) => {
    const reads: string[] = [];
    return {
      reads,
      read: async (reference: SchemaReference) => {
        reads.push(`${reference.subject}/${reference.version}`);
        return reference.version === 1 ? schemas[reference.subject] : undefined;
      },
    };
  };

  it('lists each schema after the ones it references, each name once, each version read once', async () => {
    const { reads, read } = loader({
      c: stored('C'),
      b: stored('B', [ref('c', 'c')]),
      d: stored('D', [ref('c', 'c'), ref('b', 'b')]),
    });
    const resolved = await resolveReferences([ref('b', 'b'), ref('d', 'd'), ref('c', 'c')], read);
    expect(resolved.map((r) => r.schema)).toEqual(['C', 'B', 'D']);
    expect(reads.sort()).toEqual(['b/1', 'c/1', 'd/1']);
  });

  it('ends at a cycle, and refuses a reference to nothing even under a name already taken', async () => {
    const { reads, read } = loader({ a: stored('A', [ref('b', 'b')]), b: stored('B', [ref('a', 'a')]) });
    const resolved = await resolveReferences([ref('a', 'a')], read);
    expect(resolved.map((r) => r.schema)).toEqual(['B', 'A']);
    expect(reads.sort()).toEqual(['a/1', 'b/1']);
    await expect(resolveReferences([ref('a', 'a'), ref('a', 'a', 2)], read)).rejects.toMatchObject({
      code: 42201,
      message: expect.stringMatching(/a version 2, which is not registered/),
    });
  });

  it('refuses more schemas than the cap however they are spread, reading no more than the cap', async () => {
    // A wide graph: one schema naming every other.
    const wide: Record<string, StoredSchema> = {};
    const all = Array.from({ length: MAX_REFERENCED_SCHEMAS + 5 }, (_, i) => ref(`n${i}`, `s${i}`));
    for (const r of all) wide[r.subject] = stored(r.name);
    wide.root = stored('root', all);
    const { reads, read } = loader(wide);
    await expect(resolveReferences([ref('root', 'root')], read)).rejects.toMatchObject({
      code: 42201,
      message: expect.stringMatching(/more than 1000 schemas/),
    });
    expect(reads.length).toBeLessThanOrEqual(MAX_REFERENCED_SCHEMAS);
  });
});
