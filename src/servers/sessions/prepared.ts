import type { SessionsConfig } from './config.js';
import type { Identity } from './identity.js';
import type { Migrated } from './storage.js';
import type { SessionStore } from './store/types.js';

/** What a sessions server shares between its tools and resources: who it is, its config and its store. */
export interface PreparedSessions {
  readonly identity: Identity;
  readonly config: SessionsConfig;
  /** The store in use now; update_storage_settings can switch it while the server runs. */
  store(): SessionStore;
  switchStore(
    kind: SessionStore['kind'],
  ): Promise<{ from: SessionStore; to: SessionStore; migrated: Migrated }>;
  close(): Promise<void>;
}
