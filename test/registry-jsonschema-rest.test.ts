import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { sqliteBackend } from './helpers/registry-backends.js';
import { REGISTRY_CONTENT_TYPE as CONTENT_TYPE } from './helpers/registry-rest.js';

const backend = sqliteBackend();
let registry: RunningRegistry;

async function register(
  subject: string,
  schema: unknown,
  references: unknown[] = [],
): Promise<{ status: number; body: { error_code?: number; message?: string; id?: number } }> {
  const response = await fetch(`${registry.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': CONTENT_TYPE },
    body: JSON.stringify({
      schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
      schemaType: 'JSON',
      references,
    }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

beforeAll(async () => {
  registry = await backend.start();
});

afterAll(() => backend.cleanup());

describe('registry-server refuses JSON Schemas it cannot resolve or bound (42201, as Confluent)', () => {
  it('refuses a $ref to an unknown document, naming the $ref', async () => {
    const answer = await register('unknown-ref-value', {
      type: 'object',
      properties: { home: { $ref: 'https://schemas.example/address.json' } },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error_code).toBe(42201);
    expect(answer.body.message).toContain('https://schemas.example/address.json');
  });

  it('refuses a local pointer that does not resolve, naming it', async () => {
    const answer = await register('bad-pointer-value', { properties: { a: { $ref: '#/definitions/nope' } } });
    expect(answer).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(answer.body.message).toContain('#/definitions/nope');
  });

  it('accepts the same $ref once the document is registered and named as a reference', async () => {
    expect((await register('address-value', { type: 'object' })).status).toBe(200);
    const answer = await register(
      'person-value',
      { type: 'object', properties: { home: { $ref: 'https://schemas.example/address.json' } } },
      [{ name: 'https://schemas.example/address.json', subject: 'address-value', version: 1 }],
    );
    expect(answer.status).toBe(200);
  });

  it('refuses a schema nested 10,000 levels deep with 42201, not a 500', async () => {
    const deep = `${'{"type":"object","properties":{"a":'.repeat(10_000)}{"type":"string"}${'}}'.repeat(10_000)}`;
    const answer = await register('deep-value', deep);
    expect(answer.status).toBe(422);
    expect(answer.body.error_code).toBe(42201);
    expect(answer.body.message).toMatch(/nest/);
  });

  it('evolves a 2020-12 schema closed by unevaluatedProperties under BACKWARD', async () => {
    const closed = (properties: Record<string, unknown>) => ({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties,
      unevaluatedProperties: false,
    });
    expect((await register('closed-value', closed({ id: { type: 'string' } }))).status).toBe(200);
    const added = await register(
      'closed-value',
      closed({ id: { type: 'string' }, note: { type: 'string' } }),
    );
    expect(added.status).toBe(200);
    // Not v1's text again: Confluent answers a schema the subject already has with its id, unchecked.
    const removed = await register('closed-value', closed({ id: { type: 'string', description: 'key' } }));
    expect(removed.status).toBe(409);
    expect(removed.body.message).toContain('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note');
  });
});
