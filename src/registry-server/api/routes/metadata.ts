import { packageVersion } from '../../../core/version.js';
import { json } from '../http.js';
import type { RouteContext } from './types.js';

/** The id this registry gives itself where Confluent names its cluster (there is no Kafka cluster behind it). */
const CLUSTER_ID = 'rampart-registry';

/** /v1/metadata: Confluent's ServerMetadataResource. */
export function metadataRoutes({ app }: RouteContext): void {
  app.get('/v1/metadata/id', (c) =>
    json(c, { scope: { path: [], clusters: { 'schema-registry-cluster': CLUSTER_ID } } }),
  );
  app.get('/v1/metadata/version', (c) => json(c, { version: packageVersion(), commitId: '' }));
}
