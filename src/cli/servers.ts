import type { Client } from '@modelcontextprotocol/client';
import type { Command } from 'commander';
import type { ConfigSources } from '../core/config.js';
import type { ServerDefinition } from '../core/define.js';
import type { Runtime } from '../core/envelope.js';
import { SERVER_KINDS, type ServerKindName } from '../servers/catalog.js';
import type { CallPreparation } from './sessions-call.js';

/** What a CLI command needs to run one server: a per-connection definition factory and the shared runtime. */
export interface Launch {
  readonly makeDefinition: () => ServerDefinition;
  readonly runtime: Runtime;
  /** Closes what the server holds open (pools, Redis clients, HTTP agents); the audit log is the runner's. */
  close(): Promise<void>;
}

export interface ServerEntry {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments in commander syntax, e.g. `<dirs...>`. */
  readonly positional: string;
  addOptions(command: Command): Command;
  launch(positional: string[], flags: Record<string, unknown>): Promise<Launch>;
  /** Readies a one-shot `rampart call` of `tool` after connecting (sessions signs on for it). */
  beforeCall?(client: Client, tool: string): Promise<CallPreparation>;
}

/**
 * Flags every server shares. `readOnlyHelp` says what `--read-only` drops from this server, or that it has no
 * write tools and the flag changes nothing.
 */
function commonFlags(command: Command, readOnlyHelp: string): Command {
  return command
    .option(
      '--tools <names>',
      'offer only these tools (comma-separated or repeated); others are not registered',
      list,
    )
    .option('--exclude-tools <names>', 'do not offer these tools; applied after --tools', list)
    .option('--read-only', readOnlyHelp)
    .option('--config <file>', 'rampart.yaml to read (default: RAMPART_CONFIG or ./rampart.yaml)')
    .option('--max-result-bytes <n>', 'largest tool result in bytes', Number)
    .option('--max-arg-bytes <n>', 'largest tool arguments in bytes', Number)
    .option('--max-message-bytes <n>', 'largest JSON-RPC message read on stdio, in bytes', Number)
    .option('--timeout-ms <n>', 'per-call time budget in milliseconds', Number)
    .option('--audit-log <file>', 'append one JSONL record per call to this file (mode 0600)')
    .option('--log-level <level>', 'stderr log level: debug, info, warn, error, silent');
}

const fsEntry: ServerEntry = {
  name: 'fs',
  summary: 'sandboxed filesystem: read, search, grep and edit inside the given directories',
  positional: '[dirs...]',
  addOptions: (command) =>
    commonFlags(command, 'offer no write tools (write_file, edit_file, create_directory, move_file)')
      .option('--ignore-client-roots', 'use these directories even when the client sends MCP roots')
      .option('--max-edit-bytes <n>', 'largest file edit_file loads', Number)
      .option('--max-walk-entries <n>', 'most entries one search, tree or grep visits', Number),
  async launch(positional, flags) {
    const { config: file, ...rest } = flags;
    return launchKind('fs', {
      flags: { ...rest, roots: positional.length > 0 ? positional : undefined },
      cliNames: { roots: 'directories as arguments (rampart fs <dir>…)' },
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
};

/**
 * Loads a server of `kind` (its modules are imported only now), reads its config, prepares it, warns about what
 * the operator must know, and returns it ready to run.
 */
async function launchKind(kind: ServerKindName, sources: ConfigSources): Promise<Launch> {
  const [{ loadConfig }, { createRuntime }, loaded] = await Promise.all([
    import('../core/config.js'),
    import('../core/runtime.js'),
    SERVER_KINDS[kind].load(),
  ]);
  const config = loadConfig(kind, loaded.configSchema, sources) as Record<string, unknown> &
    Parameters<typeof createRuntime>[0];
  const runtime = await createRuntime({ ...config, scope: kind });
  const prepared = await loaded.prepare(config).catch(async (error) => {
    await runtime.audit.close();
    throw error;
  });
  for (const warning of prepared.warnings) runtime.log.warn(warning);
  return { makeDefinition: () => prepared.makeDefinition(), runtime, close: () => prepared.close() };
}

const dbEntry: ServerEntry = {
  name: 'db',
  summary: 'SQL over SQLite, PostgreSQL or MySQL/MariaDB, read-only by the engine unless --allow-writes',
  positional: '[url]',
  addOptions: (command) =>
    commonFlags(command, 'offer only read-only tools: drops execute (which only --allow-writes adds)')
      .option('--allow-writes', 'add the execute tool (one writing statement at a time)')
      .option(
        '--schemas <names>',
        'comma-separated schemas the tools may reach (default: the connection default)',
        (v: string) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
      )
      .option('--max-rows <n>', 'most rows one query returns', Number)
      .option('--pool-size <n>', 'most connections at once (PostgreSQL, MySQL)', Number),
  async launch(positional, flags) {
    const { config: file, ...rest } = flags;
    return launchKind('db', {
      flags: { ...rest, url: positional[0] },
      cliNames: { url: 'the URL as argument (rampart db <url>)' },
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
};

/** A repeatable or comma-separated list flag: `--allow a --allow b` and `--allow a,b` both give [a, b]. */
function list(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

const httpEntry: ServerEntry = {
  name: 'http',
  summary: 'fetch and OpenAPI-driven API tools that cannot reach internal addresses',
  positional: '',
  addOptions: (command) =>
    commonFlags(
      command,
      'offer only read-only tools: drops OpenAPI operations other than GET, HEAD and OPTIONS, and fetch when --allow-methods permits a write',
    )
      .option(
        '--allow <hosts>',
        'hosts that may be requested (exact or *.suffix; repeatable); none: any public host',
        list,
      )
      .option('--openapi <spec>', 'OpenAPI 3 spec (file or URL): one tool per operation')
      .option(
        '--allow-private <cidrs>',
        'non-public address ranges to permit, e.g. 10.20.0.0/16 (repeatable)',
        list,
      )
      .option(
        '--allow-methods <methods>',
        'HTTP methods allowed (default GET,HEAD)',
        (v: string, p?: string[]) => list(v.toUpperCase(), p),
      )
      .option('--allow-headers <names>', 'request headers a caller may set (repeatable)', list)
      .option('--max-redirects <n>', 'most redirects followed, each re-checked', Number)
      .option('--connect-timeout-ms <n>', 'time to connect', Number)
      .option('--headers-timeout-ms <n>', 'time to the response headers', Number)
      .option('--total-timeout-ms <n>', 'time for the whole exchange, body included', Number)
      .option('--max-request-bytes <n>', 'largest request body', Number)
      .option('--max-response-bytes <n>', 'most response bytes read', Number),
  async launch(_positional, flags) {
    const { config: file, allow, ...rest } = flags;
    return launchKind('http', {
      flags: { ...rest, allowHosts: allow },
      cliNames: { allowHosts: 'flag --allow' },
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
};

const gitEntry: ServerEntry = {
  name: 'git',
  summary: 'read-only git inspection that no argument or repository config can turn into running a program',
  positional: '[repos...]',
  addOptions: (command) =>
    commonFlags(command, 'accepted, and changes nothing: every git tool is read-only')
      .option('--ignore-client-roots', 'serve every repository even when the client sends MCP roots')
      .option('--git-binary <path>', 'the git executable (default: git on PATH)')
      .option('--max-output-bytes <n>', 'most bytes read from one git command', Number),
  async launch(positional, flags) {
    const { config: file, ...rest } = flags;
    return launchKind('git', {
      flags: { ...rest, repositories: positional.length > 0 ? positional : undefined },
      cliNames: { repositories: 'repositories as arguments (rampart git <repo>…)' },
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
};

const sessionsEntry: ServerEntry = {
  name: 'sessions',
  summary:
    'coordinate assistant sessions: slots under leases, shared state with compare-and-set, file or Redis store',
  positional: '[projectDir]',
  addOptions: (command) =>
    commonFlags(
      command,
      'offer only read-only tools: drops sign_on and every write of state, leases and messages',
    )
      .option('--store <kind>', 'file (default) or redis')
      .option(
        '--directory <dir>',
        'file store directory, relative to the project (default .claude/session-state)',
      )
      .option('--redis-url <url>', 'Redis for the redis store: redis://host:6379, rediss:// for TLS')
      .option('--redis-username <name>', 'Redis ACL user')
      .option('--redis-tls-ca <file>', 'CA certificate (PEM) for a rediss:// server')
      .option('--redis-key-prefix <prefix>', 'prefix of every Redis key')
      .option('--machine-id <id>', 'this machine in session identities (default: host name)')
      .option('--project <name>', 'project name (default: git remote owner/repo, else the directory name)')
      .option('--max-slots <n>', 'how many sessions may be signed on', Number)
      .option('--session-ttl-ms <n>', 'how long a slot lasts without a call', Number),
  async launch(positional, flags) {
    const { config: file, ...rest } = flags;
    return launchKind('sessions', {
      flags: { ...rest, projectDir: positional[0] },
      cliNames: { projectDir: 'the project directory as argument (rampart sessions <dir>)' },
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
  beforeCall: async (client, tool) => (await import('./sessions-call.js')).signOnForCall(client, tool),
};

const krakendEntry: ServerEntry = {
  name: 'krakend',
  summary: 'validate, audit, explain and generate KrakenD gateway configs, offline; docs search',
  positional: '[dirs...]',
  addOptions: (command) =>
    commonFlags(command, 'offer only read-only tools: drops refresh_documentation_index')
      .option('--ignore-client-roots', 'use these directories even when the client sends MCP roots')
      .option(
        '--data-dir <dir>',
        'where downloaded schemas and the docs index are kept (default ~/.rampart/krakend)',
      )
      .option('--schema-dir <dir>', 'a local copy of krakend.io/schema (v2.13/krakend.json, …); no downloads')
      .option(
        '--schema-base-url <url>',
        'where schemas are downloaded from (default https://www.krakend.io/schema/)',
      )
      .option('--docs-dir <dir>', 'a folder of KrakenD documentation markdown to index')
      .option(
        '--docs-url <url>',
        'llms-full.txt to download and index (default https://www.krakend.io/llms-full.txt)',
      )
      .option('--docs-max-age-days <n>', 'age after which downloaded docs are re-checked', Number)
      .option(
        '--docs-snapshot-dir <dir>',
        'the shipped KrakenD docs snapshot to seed search from (default: beside the package; none turns it off)',
      )
      .option('--offline', 'never download; use schema-dir, docs-dir or the cache')
      .option('--krakend-binary <path>', 'krakend executable for cross-checks (default: krakend on PATH)'),
  async launch(positional, flags) {
    const { config: file, ...rest } = flags;
    return launchKind('krakend', {
      flags: { ...rest, roots: positional.length > 0 ? positional : undefined },
      cliNames: { roots: 'directories as arguments (rampart krakend <dir>…)' },
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
};

const registryEntry: ServerEntry = {
  name: 'registry',
  summary:
    'Kafka Schema Registry tools over Confluent-compatible registries (rampart.yaml or SCHEMA_REGISTRY_URL)',
  positional: '',
  addOptions: (command) =>
    commonFlags(
      command,
      'offer only read-only tools: drops every tool that writes to a registry (register, config, mode, import, delete, migrate, bulk, restore); what SLIM_MODE=true now means',
    )
      .option('--request-timeout-ms <n>', 'time allowed for one registry request', Number)
      .option(
        '--backup-dir <dir>',
        'where bulk operations write backups, and the only place restore_backup reads (default ~/.rampart/registry-backups)',
      ),
  async launch(_positional, flags) {
    const { config: file, ...rest } = flags;
    return launchKind('registry', {
      flags: rest,
      ...(typeof file === 'string' ? { file } : {}),
    });
  },
};

export const SERVERS: readonly ServerEntry[] = [
  fsEntry,
  dbEntry,
  httpEntry,
  gitEntry,
  sessionsEntry,
  krakendEntry,
  registryEntry,
];

export function findServer(name: string): ServerEntry | undefined {
  return SERVERS.find((s) => s.name === name);
}
