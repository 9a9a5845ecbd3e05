import { homedir } from 'node:os';
import path from 'node:path';
import { defineServer, type ServerDefinition } from '../../core/define.js';
import { Sandbox } from '../../core/sandbox.js';
import { canonicalRoots } from '../../guards/path.js';
import type { KrakendConfig } from './config.js';
import { DocsLibrary } from './docs/library.js';
import { type ProgressListener, terminalProgress } from './docs/progress.js';
import { shippedSnapshotDir } from './docs/snapshot.js';
import { findDocker, findKrakend } from './native.js';
import { SchemaRegistry } from './schema/registry.js';
import { SchemaSource } from './schema/source.js';
import { auditSecurityTool } from './tools/audit.js';
import { refreshDocumentationTool, searchDocumentationTool } from './tools/docs.js';
import { checkEditionTool, listFeaturesTool } from './tools/editions.js';
import { generateTools } from './tools/generate.js';
import { detectRuntimeTool } from './tools/runtime.js';
import type { InstalledTools, KrakendContext } from './tools/shared.js';
import { validateConfigTool } from './tools/validate.js';

export { type KrakendConfig, krakendConfigSchema } from './config.js';

export const KRAKEND_VERSION = '0.1.0';
const DAY_MS = 24 * 60 * 60 * 1000;

/** What every connection shares: compiled schemas, the docs index, the allowed directories. */
export interface PreparedKrakend {
  readonly registry: SchemaRegistry;
  readonly docs: DocsLibrary;
  readonly roots: Awaited<ReturnType<typeof canonicalRoots>>;
  readonly ignoreClientRoots: boolean;
  readonly maxConfigBytes: number;
  installed(): Promise<InstalledTools>;
}

export function expandDataDir(dir: string): string {
  return path.resolve(dir.startsWith('~/') || dir === '~' ? path.join(homedir(), dir.slice(1)) : dir);
}

export async function prepareKrakend(
  config: KrakendConfig,
  hooks: { progress?: ProgressListener; onBackgroundError?: (error: unknown) => void } = {},
): Promise<PreparedKrakend> {
  const dataDir = expandDataDir(config.dataDir);
  const base = config.schemaBaseUrl.endsWith('/') ? config.schemaBaseUrl : `${config.schemaBaseUrl}/`;
  const download = {
    offline: config.offline,
    timeoutMs: config.downloadTimeoutMs,
    maxBytes: config.maxDownloadBytes,
  };
  const registry = new SchemaRegistry(
    new SchemaSource({
      ...(config.schemaDir ? { localDir: path.resolve(config.schemaDir) } : {}),
      cacheDir: path.join(dataDir, 'schema'),
      baseUrl: base,
      ...download,
    }),
  );
  const seedDir =
    config.docsSnapshotDir === 'none'
      ? undefined
      : config.docsSnapshotDir
        ? path.resolve(config.docsSnapshotDir)
        : shippedSnapshotDir();
  const docs = new DocsLibrary(
    {
      ...(seedDir ? { seedDir } : {}),
      ...(config.docsDir ? { localDir: path.resolve(config.docsDir) } : {}),
      url: config.docsUrl,
      cacheDir: path.join(dataDir, 'docs'),
      maxAgeMs: config.docsMaxAgeDays * DAY_MS,
      siteBase: 'https://www.krakend.io/',
      ...download,
    },
    hooks.progress ?? terminalProgress(),
    hooks.onBackgroundError,
  );
  let installed: Promise<InstalledTools> | undefined;
  return {
    registry,
    docs,
    roots: await canonicalRoots(config.roots),
    ignoreClientRoots: config.ignoreClientRoots,
    maxConfigBytes: config.maxConfigBytes,
    installed() {
      installed ??= Promise.all([findKrakend(config.krakendBinary), findDocker()]).then(
        ([krakend, docker]) => ({
          ...(krakend ? { krakend } : {}),
          ...(docker ? { docker } : {}),
        }),
      );
      return installed;
    },
  };
}

/** The krakend server for one connection: the shared schemas and docs, and this client's roots. */
export function krakendServer(prepared: PreparedKrakend): ServerDefinition {
  const sandbox = new Sandbox(prepared.roots, !prepared.ignoreClientRoots);
  const ctx: KrakendContext = {
    registry: prepared.registry,
    docs: prepared.docs,
    sandbox,
    maxConfigBytes: prepared.maxConfigBytes,
    installed: () => prepared.installed(),
  };
  return defineServer({
    name: 'krakend',
    version: KRAKEND_VERSION,
    instructions:
      'Validate, audit, explain and generate KrakenD API gateway configs, offline. Pass a config as its JSON text ' +
      `or as a file path inside ${sandbox.describe()}. validate_config and audit_security need no KrakenD binary; ` +
      'search_documentation answers questions from the KrakenD docs with links.',
    tools: [
      validateConfigTool(ctx),
      auditSecurityTool(ctx),
      checkEditionTool(ctx),
      listFeaturesTool(ctx),
      detectRuntimeTool(ctx),
      searchDocumentationTool(ctx),
      refreshDocumentationTool(ctx),
      ...generateTools(ctx),
    ],
    onClientRoots: (roots) => sandbox.setClientRoots(roots),
  });
}
