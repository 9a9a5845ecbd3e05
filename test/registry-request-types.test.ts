import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { sqliteBackend } from './helpers/registry-backends.js';
import { restClient } from './helpers/registry-rest.js';

const SCHEMA = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'id', type: 'long' }] });

describe('registry-server refuses request bodies whose fields have the wrong JSON type', () => {
  const backend = sqliteBackend();
  let registry: RunningRegistry;
  const call = restClient(() => registry.url);
  beforeAll(async () => {
    registry = await backend.start();
    await call('POST', '/subjects/ref/versions', { schema: SCHEMA });
  });
  afterAll(async () => backend.cleanup());

  const schemaBodies: [string, Record<string, unknown>][] = [
    ['schema', { schema: 42 }],
    ['schemaType', { schema: SCHEMA, schemaType: 5 }],
    ['references', { schema: SCHEMA, references: 'ref' }],
    ['references[0].name', { schema: SCHEMA, references: [{ name: 1, subject: 'ref', version: 1 }] }],
    ['references[0].subject', { schema: SCHEMA, references: [{ name: 'r', subject: null, version: 1 }] }],
    ['references[0].version', { schema: SCHEMA, references: [{ name: 'r', subject: 'ref', version: '1' }] }],
    ['id', { schema: SCHEMA, id: '7' }],
    ['version', { schema: SCHEMA, version: 1.5 }],
    ['metadata', { schema: SCHEMA, metadata: 'owner=me' }],
    ['metadata.properties.owner', { schema: SCHEMA, metadata: { properties: { owner: 1 } } }],
    ['ruleSet', { schema: SCHEMA, ruleSet: [] }],
    ['ruleSet.domainRules[0].name', { schema: SCHEMA, ruleSet: { domainRules: [{ type: 'CEL' }] } }],
  ];

  it('refuses a schema field of the wrong type with 42201 naming the field, on every route that takes one', async () => {
    for (const route of [
      '/subjects/t/versions',
      '/subjects/ref',
      '/compatibility/subjects/ref/versions/latest',
    ]) {
      for (const [field, body] of schemaBodies) {
        const answer = await call('POST', route, body);
        expect({ route, field, status: answer.status, code: answer.body.error_code }).toEqual({
          route,
          field,
          status: 422,
          code: 42201,
        });
        expect(answer.body.message).toContain(`"${field}"`);
      }
    }
    expect((await call('GET', '/subjects/t/versions')).status).toBe(404);
  });

  it('refuses an unknown schemaType with 42201, as Confluent does', async () => {
    const answer = await call('POST', '/subjects/t/versions', { schema: SCHEMA, schemaType: 'XML' });
    expect(answer).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(answer.body.message).toMatch(/XML/);
  });

  it('refuses config and mode fields of the wrong type with 42203 and 42204', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['PUT', '/config', { compatibility: 1 }, 42203, 'compatibility'],
      ['PUT', '/config/t', { compatibilityLevel: true }, 42203, 'compatibilityLevel'],
      ['PUT', '/config/t', { normalize: 'yes' }, 42203, 'normalize'],
      ['PUT', '/config/t', { alias: 7 }, 42203, 'alias'],
      ['PUT', '/mode', { mode: 1 }, 42204, 'mode'],
      ['PUT', '/mode/t', { mode: null }, 42204, 'mode'],
    ];
    for (const [method, route, body, code, field] of cases) {
      const answer = await call(method, route, body);
      expect({ route, field, status: answer.status, code: answer.body.error_code }).toEqual({
        route,
        field,
        status: 422,
        code,
      });
      expect(answer.body.message).toContain(`"${field}"`);
    }
  });

  it('refuses a body that is not a JSON object with 400', async () => {
    for (const body of ['[1]', '"schema"', '{"schema":']) {
      expect(await call('POST', '/subjects/t/versions', body)).toMatchObject({
        status: 400,
        body: { error_code: 400 },
      });
    }
  });
});
