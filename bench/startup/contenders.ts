import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ServerSpec } from '../lib/mcp.js';
import { REPO_ROOT } from '../lib/paths.js';

/** The trivial call measured after start: a tool without I/O where the server has one, else MCP `ping`. */
export type TrivialCall =
  | { readonly kind: 'tool'; readonly name: string; readonly args: Record<string, unknown> }
  | { readonly kind: 'ping' };

export interface Contender {
  readonly spec: ServerSpec;
  readonly call: TrivialCall;
}

/** One Rampart server and its anchor in the same run. */
export interface Pairing {
  readonly server: string;
  readonly rampart: Contender;
  readonly anchor: Contender;
  /** What the anchor is, for the table. */
  readonly anchorName: string;
}

const FS_REFERENCE = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const PG_REFERENCE = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-postgres/dist/index.js');
const SDK_FLOOR = join(REPO_ROOT, 'bench/fs/sdk-floor-server.mjs');
const PING: TrivialCall = { kind: 'ping' };
const ALLOWED: TrivialCall = { kind: 'tool', name: 'list_allowed_directories', args: {} };
const SELECT_ONE: TrivialCall = { kind: 'tool', name: 'query', args: { sql: 'SELECT 1' } };

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Every server against its anchor: fs and db against the reference servers they replace, the rest against a
 * bare SDK v2 server (mcp-server-git, the git anchor the issue names, is a Python package not installed here, so
 * git is anchored on the bare SDK server too; bench/git compares it with the plain git command).
 */
export function pairings(cli: string, pgUrl: string | undefined): Pairing[] {
  const work = mkdtempSync(join(os.tmpdir(), 'rampart-startup-'));
  const dir = join(work, 'root');
  mkdirSync(dir);
  writeFileSync(join(dir, 'hello.txt'), 'hello\n');
  const floor: Contender = {
    spec: { label: 'bare SDK v2 server', command: process.execPath, args: [SDK_FLOOR, dir] },
    call: PING,
  };
  const rampart = (args: string[], call: TrivialCall, env?: Record<string, string>): Contender => ({
    spec: { label: 'Rampart', command: process.execPath, args: [cli, ...args], ...(env ? { env } : {}) },
    call,
  });
  const list: Pairing[] = [
    {
      server: 'fs',
      rampart: rampart(['fs', dir], ALLOWED),
      anchor: {
        spec: { label: 'server-filesystem', command: process.execPath, args: [FS_REFERENCE, dir] },
        call: ALLOWED,
      },
      anchorName: '@modelcontextprotocol/server-filesystem',
    },
  ];
  if (pgUrl) {
    list.push({
      server: 'db',
      rampart: rampart(['db', pgUrl], SELECT_ONE),
      anchor: {
        spec: { label: 'server-postgres', command: process.execPath, args: [PG_REFERENCE, pgUrl] },
        call: SELECT_ONE,
      },
      anchorName: '@modelcontextprotocol/server-postgres',
    });
  }
  const bare = (server: string, args: string[], env?: Record<string, string>): Pairing => ({
    server,
    rampart: rampart(args, PING, env),
    anchor: floor,
    anchorName: 'bare SDK v2 server',
  });
  list.push(
    bare('git', ['git', REPO_ROOT]),
    bare('http', ['http', '--allow', 'example.com']),
    bare('sessions', ['sessions', work, '--machine-id', 'bench']),
    bare('krakend', ['krakend', dir, '--offline', '--data-dir', join(work, 'krakend')]),
    bare('registry', ['registry'], { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9' }),
  );
  return list;
}
