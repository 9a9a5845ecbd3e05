import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../src/registry-server/index.js';
import { sqliteBackend } from './helpers/registry-backends.js';
import { restClient } from './helpers/registry-rest.js';

// The same record with its keys in another order: one schema once normalized, two without.
const A = '{"type": "record", "name": "N", "fields": [{"name": "x", "type": "int"}]}';
const B = '{"fields": [{"type": "int", "name": "x"}], "name": "N", "type": "record"}';

describe('registry-server normalize config (Confluent 7.4+)', () => {
  const backend = sqliteBackend();
  let registry: RunningRegistry;
  const call = restClient(() => registry.url);
  beforeAll(async () => {
    registry = await backend.start();
  });
  afterAll(async () => backend.cleanup());

  it('keeps normalize on a subject and answers it in GET /config/{s}', async () => {
    expect((await call('PUT', '/config/n-value', { normalize: true })).body).toEqual({ normalize: true });
    expect((await call('GET', '/config/n-value')).body).toEqual({ normalize: true });
    expect((await call('GET', '/config/n-value?defaultToGlobal=true')).body).toEqual({
      compatibilityLevel: 'BACKWARD',
      normalize: true,
    });
    const both = await call('PUT', '/config/n-value', { compatibility: 'FULL', normalize: true });
    expect(both.body).toEqual({ compatibility: 'FULL', normalize: true });
    expect((await call('GET', '/config/n-value')).body).toEqual({
      compatibilityLevel: 'FULL',
      normalize: true,
    });
  });

  it('makes registration, lookup and compatibility tests normalize as if ?normalize=true were given', async () => {
    const first = (await call('POST', '/subjects/n-value/versions', { schema: A })).body;
    expect((await call('POST', '/subjects/n-value/versions', { schema: B })).body).toMatchObject({
      id: first.id,
      version: 1,
    });
    expect((await call('POST', '/subjects/n-value', { schema: B })).body).toMatchObject({ version: 1 });
    expect((await call('GET', '/subjects/n-value/versions')).body).toEqual([1]);
    expect(
      (await call('POST', '/compatibility/subjects/n-value/versions/latest', { schema: B })).body,
    ).toEqual({ is_compatible: true });
  });

  it('applies a global normalize to subjects without their own, and normalize=false on a subject wins', async () => {
    expect((await call('PUT', '/config', { normalize: true })).body).toEqual({ normalize: true });
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD', normalize: true });
    const first = (await call('POST', '/subjects/g-value/versions', { schema: A })).body;
    expect((await call('POST', '/subjects/g-value/versions', { schema: B })).body).toMatchObject({
      id: first.id,
    });
    await call('PUT', '/config/raw-value', { normalize: false });
    await call('POST', '/subjects/raw-value/versions', { schema: A });
    expect((await call('POST', '/subjects/raw-value', { schema: B })).status).toBe(404);
  });

  it('DELETE /config/{s} returns and removes the whole subject config', async () => {
    expect((await call('DELETE', '/config/n-value')).body).toEqual({
      compatibilityLevel: 'FULL',
      normalize: true,
    });
    expect((await call('GET', '/config/n-value')).body).toMatchObject({ error_code: 40408 });
    expect((await call('DELETE', '/config')).body).toEqual({
      compatibilityLevel: 'BACKWARD',
      normalize: true,
    });
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('refuses the config fields it does not support by name, never dropping them silently', async () => {
    for (const field of [
      'compatibilityGroup',
      'defaultMetadata',
      'overrideMetadata',
      'defaultRuleSet',
      'overrideRuleSet',
      'validateFields',
    ]) {
      const answer = await call('PUT', '/config/x-value', { compatibility: 'NONE', [field]: {} });
      expect({ field, ...answer }).toMatchObject({ field, status: 422, body: { error_code: 42203 } });
      expect(answer.body.message).toContain(field);
    }
    expect((await call('GET', '/config/x-value')).status).toBe(404);
  });
});
