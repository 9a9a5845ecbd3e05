import { defineServer, type ServerDefinition } from '../../core/define.js';
import { Sandbox } from '../../core/sandbox.js';
import { canonicalRoots, type Root } from '../../guards/path.js';
import type { FsConfig } from './config.js';
import { fileResources } from './resources.js';
import { infoTools } from './tools/info.js';
import { listTools } from './tools/list.js';
import { readTools } from './tools/read.js';
import { searchTools } from './tools/search.js';
import { writeTools } from './tools/write.js';

export { type FsConfig, fsConfigSchema } from './config.js';

export const FS_VERSION = '0.1.0';

export const WRITE_TOOLS = ['write_file', 'edit_file', 'create_directory', 'move_file'] as const;

/** Options once the operator's roots have been checked and made canonical (done once per process). */
export interface FsOptions extends Omit<FsConfig, 'roots'> {
  readonly roots: readonly Root[];
}

export async function prepareFsOptions(config: FsConfig): Promise<FsOptions> {
  return { ...config, roots: await canonicalRoots(config.roots) };
}

/** The fs server for one connection: the operator's roots, narrowed by this client's roots if it sends any. */
export function fsServer(options: FsOptions): ServerDefinition {
  const sandbox = new Sandbox(options.roots, !options.ignoreClientRoots);
  const tools = [
    ...readTools(sandbox),
    ...listTools(sandbox, options.maxWalkEntries),
    ...searchTools(sandbox, options.maxWalkEntries),
    ...infoTools(sandbox),
    ...(options.readOnly ? [] : writeTools(sandbox, options.maxEditBytes)),
  ];
  return defineServer({
    name: 'fs',
    version: FS_VERSION,
    instructions:
      'Filesystem access confined to the allowed directories (see list_allowed_directories). Paths may be absolute ' +
      'or relative to the first allowed directory. Use grep to search contents and search_files to find paths. ' +
      (options.readOnly
        ? 'This server is read-only.'
        : 'Writes are atomic; edit_file shows a diff and supports dryRun.'),
    tools,
    resourceTemplates: [fileResources(sandbox, () => options.maxResultBytes)],
    onClientRoots: (roots) => sandbox.setClientRoots(roots),
  });
}
