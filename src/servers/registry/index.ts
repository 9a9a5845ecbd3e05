import { defineServer, type ServerDefinition } from '../../core/define.js';
import { resolveBackupDir } from './bulk/backup-dir.js';
import { RegistryClient } from './client.js';
import type { RegistryConfig } from './config.js';
import { registriesFromEnvironment } from './environment.js';
import { registryPrompts } from './prompts.js';
import { registryResources, registryResourceTemplates } from './resources.js';
import { registryStatusResources, registryStatusTemplates } from './resources-status.js';
import { subjectResourceTemplates } from './resources-subject.js';
import { adminTools } from './tools/admin.js';
import { backupTools } from './tools/backup.js';
import { bulkCleanupTools } from './tools/bulk-cleanup.js';
import { bulkConfigTools } from './tools/bulk-config.js';
import { bulkContextTools } from './tools/bulk-contexts.js';
import { bulkRegisterTools } from './tools/bulk-register.js';
import { compareTools } from './tools/compare.js';
import { contextTools } from './tools/contexts.js';
import { defaultTools } from './tools/defaults.js';
import { idlTools } from './tools/idl.js';
import { migrateTools } from './tools/migrate.js';
import { readTools } from './tools/read.js';
import { registryContext } from './tools/shared.js';
import { statisticsTools } from './tools/statistics.js';
import { transferTools } from './tools/transfer.js';
import { writeTools } from './tools/write.js';

export { type RegistryConfig, registryConfigSchema } from './config.js';

export const REGISTRY_VERSION = '0.1.0';

export interface PreparedRegistry {
  readonly clients: readonly RegistryClient[];
  /** Where bulk operations write backups (registry.backupDir, `~` expanded). */
  readonly backupDir: string;
  /** Where bulk_register may read schema folders from (registry.schemaDir); none: bundles only. */
  readonly schemaDir?: string | undefined;
  close(): Promise<void>;
}

/** The configured registries (rampart.yaml, else the seed server's environment variables), one client each. */
export function prepareRegistry(
  config: RegistryConfig,
  env: NodeJS.ProcessEnv = process.env,
): PreparedRegistry {
  const entries = config.registries.length > 0 ? config.registries : registriesFromEnvironment(env);
  const clients = entries.map((entry) => new RegistryClient(entry, config.requestTimeoutMs));
  return {
    clients,
    backupDir: resolveBackupDir(config.backupDir),
    schemaDir: config.schemaDir,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/** The registry tools over every configured Schema Registry. */
export function registryServer(prepared: PreparedRegistry): ServerDefinition {
  const ctx = registryContext(prepared.clients);
  return defineServer({
    name: 'registry',
    version: REGISTRY_VERSION,
    instructions:
      `Kafka Schema Registry tools over ${prepared.clients.map((c) => c.name).join(', ') || 'no configured registry'}. ` +
      '`registry` picks one (default the first, or the one set_default_registry chose for this session); ' +
      '`context` a schema context (default "."). Schemas are Avro or JSON ' +
      'Schema JSON text, or .proto source. Migrations are dry runs until dry_run: false; deletes and writes into ' +
      'subjects that already have versions are confirmed by the user. Bulk tools (bulk_*, clear_contexts) are dry ' +
      'runs until dry_run: false and write a backup before their first change; restore_backup puts it back. ' +
      'Resources: registry://registries, ' +
      'registry://{registry}/subjects, registry://{registry}/config, schema://{registry}/{subject}[/{version}], ' +
      'schema://{registry}/{subject}/versions, subject://{registry}/{subject}/config and /mode, registry://status, ' +
      'registry://{registry}/status.',
    tools: [
      ...readTools(ctx),
      ...compareTools(ctx),
      ...writeTools(ctx),
      ...transferTools(ctx),
      ...adminTools(ctx),
      ...migrateTools(ctx),
      ...statisticsTools(ctx),
      ...defaultTools(ctx),
      ...contextTools(ctx),
      ...idlTools(ctx),
      ...bulkCleanupTools(ctx, prepared),
      ...bulkRegisterTools(ctx, prepared),
      ...bulkConfigTools(ctx, prepared),
      ...bulkContextTools(ctx, prepared),
      ...backupTools(ctx, prepared),
    ],
    resources: [...registryResources(ctx), ...registryStatusResources(ctx)],
    // The per-subject templates come first: schema://{registry}/{subject}/{version} would take "versions".
    resourceTemplates: [
      ...subjectResourceTemplates(ctx),
      ...registryStatusTemplates(ctx),
      ...registryResourceTemplates(ctx),
    ],
    prompts: registryPrompts(ctx),
    onSharedByClients: () => {
      ctx.defaults.shared = true;
    },
  });
}
