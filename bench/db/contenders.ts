import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/client';
import pg from 'pg';
import { openSession, type ServerSpec } from '../lib/mcp.js';
import { REPO_ROOT } from '../lib/paths.js';
import { SCHEMA } from './setup.js';

export type ContenderKind = 'rampart' | 'reference' | 'sdk' | 'pg';

/** The contenders that are MCP servers over stdio. */
export type ServerKind = Exclude<ContenderKind, 'pg'>;

/** What came back, untouched: checking it is the workload's job and is never timed. */
export type Reply =
  | { readonly kind: ServerKind; readonly result: CallToolResult }
  | { readonly kind: 'pg'; readonly rows: readonly Record<string, unknown>[] };

/** One open connection to a contender: an MCP session over stdio, or a pg.Pool in this process. */
export interface Contender {
  readonly kind: ContenderKind;
  /** Runs one statement; `maxRows` is passed to Rampart as max_rows (the others take no such argument). */
  send(sql: string, maxRows?: number): Promise<Reply>;
  close(): Promise<void>;
}

export interface ContenderSpec {
  readonly kind: ContenderKind;
  readonly label: string;
  open(): Promise<Contender>;
}

const REFERENCE_ENTRY = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-postgres/dist/index.js');
const SDK_FLOOR_ENTRY = join(REPO_ROOT, 'bench/db/sdk-floor-server.mjs');

const PROFILE_HOOK = pathToFileURL(join(REPO_ROOT, 'bench/db/cpu-profile.mjs'));

/** Node flags for both servers: a CPU profile into `profileDir` when profiling (see cpu-profile.mjs). */
function nodeFlags(profileDir: string | undefined): string[] {
  if (!profileDir) return [];
  const hook = new URL(PROFILE_HOOK);
  hook.searchParams.set('dir', resolve(profileDir));
  return ['--import', hook.href];
}

function mcpContender(kind: ServerKind, spec: ServerSpec): ContenderSpec {
  return {
    kind,
    label: spec.label,
    async open() {
      const session = await openSession(spec);
      await session.client.listTools();
      return {
        kind,
        async send(sql, maxRows) {
          const args = kind === 'rampart' && maxRows !== undefined ? { sql, max_rows: maxRows } : { sql };
          return { kind, result: await session.call('query', args) };
        },
        close: () => session.close(),
      };
    },
  };
}

/** The raw driver: a pg.Pool in the benchmark process running the same SQL, nothing around it. */
function pgContender(url: string, poolSize: number): ContenderSpec {
  return {
    kind: 'pg',
    label: 'raw pg',
    async open() {
      const pool = new pg.Pool({
        connectionString: url,
        max: poolSize,
        application_name: 'rampart-bench-pg',
      });
      return {
        kind: 'pg',
        async send(sql) {
          const { rows } = await pool.query<Record<string, unknown>>(sql);
          return { kind: 'pg', rows };
        },
        close: () => pool.end(),
      };
    },
  };
}

/**
 * Rampart's `db` command, the archived reference server and a bare SDK v2 server doing the reference's work, all
 * on the same URL, and the raw driver.
 */
export function contenders(
  cli: string,
  url: string,
  options: { maxRows: number; poolSize: number; profileDir: string | undefined },
): readonly ContenderSpec[] {
  const flags = nodeFlags(options.profileDir);
  return [
    mcpContender('rampart', {
      label: 'Rampart',
      command: process.execPath,
      args: [
        ...flags,
        cli,
        'db',
        url,
        '--schemas',
        SCHEMA,
        '--max-rows',
        String(options.maxRows),
        '--log-level',
        'warn',
      ],
    }),
    mcpContender('reference', {
      label: '@modelcontextprotocol/server-postgres',
      command: process.execPath,
      args: [...flags, REFERENCE_ENTRY, url],
    }),
    mcpContender('sdk', {
      label: 'bare SDK v2 server',
      command: process.execPath,
      args: [...flags, SDK_FLOOR_ENTRY, url],
    }),
    pgContender(url, options.poolSize),
  ];
}
