import { buildService, type EndpointSpec } from '../../src/servers/krakend/generate.js';
import type { Catalog } from '../../src/servers/krakend/schema/catalog.js';

/**
 * A large, realistic config (about `targetBytes` of JSON): many endpoints with JWT, rate limits, two backends
 * each with filtering, circuit breakers and bounded caches. Deterministic, so every run measures the same text.
 */
export function largeConfig(catalog: Catalog, targetBytes: number): string {
  const endpoints: EndpointSpec[] = [];
  let text = '';
  for (let i = 0; text.length < targetBytes; i++) {
    for (let j = 0; j < 50; j++, i++) {
      endpoints.push({
        path: `/v1/service-${i % 97}/resource-${i}/{id}`,
        method: i % 5 === 0 ? 'POST' : 'GET',
        timeout: '2s',
        input_headers: ['Authorization', 'Content-Type', 'X-Request-Id'],
        input_query_strings: ['page', 'limit'],
        jwt: {
          alg: 'RS256',
          jwk_url: 'https://idp.example.com/.well-known/jwks.json',
          audience: ['api'],
          roles: ['user'],
        },
        rate_limit: { max_rate: 100, client_max_rate: 10, strategy: 'ip' },
        backends: [
          {
            host: ['http://users-a:8080', 'http://users-b:8080'],
            url_pattern: `/users/${i}/{id}`,
            allow: ['id', 'name', 'email', 'created_at'],
            mapping: { created_at: 'createdAt' },
            group: 'user',
            cache: true,
          },
          {
            host: ['http://orders:8080'],
            url_pattern: `/orders/by-user/{id}?resource=${i}`,
            deny: ['internal_notes'],
            group: 'orders',
            is_collection: true,
          },
        ],
      });
    }
    text = JSON.stringify(
      buildService(
        { name: 'benchmark gateway', cors_origins: ['https://app.example.com'], endpoints },
        { catalog, warnings: [], bestPractices: [] },
      ),
      null,
      2,
    );
  }
  return text;
}
