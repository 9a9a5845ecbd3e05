import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { builtinCatalog } from '../src/servers/krakend/features/builtin.js';
import { SchemaRegistry } from '../src/servers/krakend/schema/registry.js';
import { SchemaSource } from '../src/servers/krakend/schema/source.js';
import { KNOWN_VERSIONS } from '../src/servers/krakend/schema/versions.js';
import { describeWithFixtures, fixture } from './helpers/fixtures.js';

describeWithFixtures('krakend', "Rampart's own namespace list against KrakenD's published schemas", () => {
  it('names the same namespaces, scopes and editions as every schema version', async () => {
    const registry = new SchemaRegistry(
      new SchemaSource({
        localDir: fixture('krakend', 'schema'),
        cacheDir: mkdtempSync(path.join(os.tmpdir(), 'rampart-catalogue-')),
        baseUrl: 'https://www.krakend.io/schema/',
        offline: true,
        timeoutMs: 1000,
        maxBytes: 64 * 1024 * 1024,
      }),
    );
    for (const version of KNOWN_VERSIONS) {
      const fromSchema = (await registry.load(version)).catalog.features.map(
        (f) => `${f.namespace} ${f.scope} ${f.edition}`,
      );
      const fromList = builtinCatalog(version).features.map((f) => `${f.namespace} ${f.scope} ${f.edition}`);
      expect(fromList.sort(), `v${version}`).toEqual(fromSchema.sort());
    }
  }, 60_000);
});
