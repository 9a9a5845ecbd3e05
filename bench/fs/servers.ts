import { join } from 'node:path';
import type { ServerSpec } from '../lib/mcp.js';
import { REPO_ROOT } from '../lib/paths.js';

const REFERENCE_ENTRY = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

/**
 * Node flags for both servers. BENCH_FS_PROFILE=<dir> adds `--cpu-prof` so each server process writes a
 * CPU profile there when it exits (it distorts the timings; use it to find where the time goes).
 */
function nodeFlags(): string[] {
  const dir = process.env.BENCH_FS_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export interface FsServers {
  readonly rampart: ServerSpec;
  readonly reference: ServerSpec;
  /** A bare SDK v2 server with only the trivial tool: the floor under Rampart's start-up and round trip. */
  readonly sdkFloor: ServerSpec;
}

const SDK_FLOOR_ENTRY = join(REPO_ROOT, 'bench/fs/sdk-floor-server.mjs');

/** Rampart's `fs` command, the reference server and the SDK floor, all given the same single directory. */
export function fsServers(cli: string, root: string): FsServers {
  return {
    rampart: { label: 'Rampart', command: process.execPath, args: [...nodeFlags(), cli, 'fs', root] },
    reference: {
      label: 'reference',
      command: process.execPath,
      args: [...nodeFlags(), REFERENCE_ENTRY, root],
    },
    sdkFloor: {
      label: 'SDK v2 floor',
      command: process.execPath,
      args: [...nodeFlags(), SDK_FLOOR_ENTRY, root],
    },
  };
}
