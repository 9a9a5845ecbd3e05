import type { Logger } from '../core/log.js';
import { parseProtobuf } from './protobuf/schema.js';
import { fingerprintOf } from './schema-identity.js';
import type { RegistryStore, SchemaRewrite } from './store/types.js';

/**
 * Brings a store an older release wrote up to date before the registry serves from it: that release stored
 * Protobuf schemas as their trimmed source, so registering or looking one up again, now that the canonical print
 * is stored and compared, would not find it. The store does this once.
 */
export async function upgradeStore(store: RegistryStore, logger: Logger): Promise<void> {
  const changed = await store.rewriteSchemas('PROTOBUF', canonicalProtobuf(logger));
  if (changed > 0) logger.info(`registry store: ${changed} Protobuf schemas now stored in canonical form`);
}

/**
 * The text and fingerprint registration gives a Protobuf schema now, without its checks (the old release did not
 * make them). References are not read: only normalization needs them, and that release never normalized one.
 */
function canonicalProtobuf(logger: Logger): SchemaRewrite {
  return (stored) => {
    let canonical: string;
    try {
      canonical = parseProtobuf(stored.schema, [], [], false, false).canonical;
    } catch (error) {
      logger.warn(
        `registry store: schema ${stored.id} is left as it was stored, as it does not parse: ${(error as Error).message}`,
      );
      return undefined;
    }
    const fingerprint = fingerprintOf(
      { type: stored.type, canonical, references: stored.references },
      stored.metadata,
      stored.ruleSet,
    );
    return { schema: canonical, fingerprint };
  };
}
