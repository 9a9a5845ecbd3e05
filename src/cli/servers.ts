import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import type { ServerDefinition } from '../core/define.js';
import type { Runtime } from '../core/envelope.js';
import { createRuntime } from '../core/runtime.js';
import { fsConfigSchema, fsServer, prepareFsOptions } from '../servers/fs/index.js';

/** What a CLI command needs to run one server: a per-connection definition factory and the shared runtime. */
export interface Launch {
  readonly makeDefinition: () => ServerDefinition;
  readonly runtime: Runtime;
}

export interface ServerEntry {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments in commander syntax, e.g. `<dirs...>`. */
  readonly positional: string;
  addOptions(command: Command): Command;
  launch(positional: string[], flags: Record<string, unknown>): Promise<Launch>;
}

function commonFlags(command: Command): Command {
  return command
    .option('--config <file>', 'rampart.yaml to read (default: RAMPART_CONFIG or ./rampart.yaml)')
    .option('--max-result-bytes <n>', 'largest tool result in bytes', Number)
    .option('--max-arg-bytes <n>', 'largest tool arguments in bytes', Number)
    .option('--timeout-ms <n>', 'per-call time budget in milliseconds', Number)
    .option('--audit-log <file>', 'append one JSONL record per call to this file (mode 0600)')
    .option('--log-level <level>', 'stderr log level: debug, info, warn, error, silent');
}

const fsEntry: ServerEntry = {
  name: 'fs',
  summary: 'sandboxed filesystem: read, search, grep and edit inside the given directories',
  positional: '[dirs...]',
  addOptions: (command) =>
    commonFlags(command)
      .option('--read-only', 'register no write tools')
      .option('--ignore-client-roots', 'use these directories even when the client sends MCP roots')
      .option('--max-edit-bytes <n>', 'largest file edit_file loads', Number)
      .option('--max-walk-entries <n>', 'most entries one search, tree or grep visits', Number),
  async launch(positional, flags) {
    const { config: file, ...rest } = flags;
    const config = loadConfig('fs', fsConfigSchema, {
      flags: { ...rest, roots: positional.length > 0 ? positional : undefined },
      cliNames: { roots: 'directories as arguments (rampart fs <dir>…)' },
      ...(typeof file === 'string' ? { file } : {}),
    });
    const options = await prepareFsOptions(config);
    const runtime = await createRuntime({ ...config, scope: 'fs' });
    return { makeDefinition: () => fsServer(options), runtime };
  },
};

export const SERVERS: readonly ServerEntry[] = [fsEntry];

export function findServer(name: string): ServerEntry | undefined {
  return SERVERS.find((s) => s.name === name);
}
