import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import type { ServerDefinition } from '../../src/core/define.js';
import type { Runtime } from '../../src/core/envelope.js';
import { createRuntime } from '../../src/core/runtime.js';
import { buildMcpServer } from '../../src/core/server.js';
import type { Resolver } from '../../src/guards/net-dial.js';
import { dbConfigSchema, dbServer, openEngine } from '../../src/servers/db/index.js';
import { type FsConfig, fsConfigSchema, fsServer, prepareFsOptions } from '../../src/servers/fs/index.js';
import { gitConfigSchema, gitServer, prepareGit } from '../../src/servers/git/index.js';
import { httpConfigSchema, httpServer, prepareHttp } from '../../src/servers/http/index.js';
import { krakendConfigSchema, krakendServer, prepareKrakend } from '../../src/servers/krakend/index.js';
import { prepareRegistry, registryConfigSchema, registryServer } from '../../src/servers/registry/index.js';
import {
  type PreparedSessions,
  prepareSessions,
  sessionsConfigSchema,
  sessionsServer,
} from '../../src/servers/sessions/index.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO, 'dist/cli/main.js');

export interface TextResult {
  text: string;
  isError: boolean;
  structured: Record<string, unknown> | undefined;
}

export function textOf(result: {
  content?: unknown;
  isError?: boolean;
  structuredContent?: unknown;
}): TextResult {
  const blocks = (result.content ?? []) as { type: string; text?: string }[];
  return {
    text: blocks.map((b) => (b.type === 'text' ? (b.text ?? '') : `[${b.type}]`)).join('\n'),
    isError: Boolean(result.isError),
    structured: result.structuredContent as Record<string, unknown> | undefined,
  };
}

export interface Session {
  readonly client: Client;
  call(name: string, args: Record<string, unknown>): Promise<TextResult>;
  close(): Promise<void>;
}

function session(client: Client, close: () => Promise<void>): Session {
  return {
    client,
    call: async (name, args) => textOf(await client.callTool({ name, arguments: args })),
    close,
  };
}

/** Spawns the built CLI (`rampart <args>`) and connects a real MCP client over stdio. */
export async function spawnRampart(
  args: string[],
  env: Record<string, string> = {},
  options: Omit<ClientOptions, 'clientRoots'> = {},
): Promise<Session & { pid: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stderr: 'ignore',
  });
  const client = testClient('rampart-e2e', options);
  await client.connect(transport);
  return { ...session(client, () => client.close()), pid: transport.pid ?? -1 };
}

export interface InProcessOptions extends Partial<FsConfig> {
  roots: string[];
  /**
   * Directories the client offers as MCP roots, or a function asked on every roots/list (it may throw);
   * absent means the client has no roots capability.
   */
  clientRoots?: ClientRoots;
}

type ClientRoots = string[] | (() => string[] | Promise<string[]>);

/** What a test client's user answers to an elicitation form. */
export type ElicitAnswer =
  | { action: 'accept'; content: Record<string, string | number | boolean | string[]> }
  | { action: 'decline' | 'cancel' };

export interface ClientOptions {
  clientRoots?: ClientRoots;
  /** Declares elicitation and answers every form with this (and records the messages asked). */
  elicit?: (message: string) => ElicitAnswer | Promise<ElicitAnswer>;
  /**
   * Speak the 2026-07-28 revision (multi-round-trip input) instead of the 2025 handshake. Over stdio only: an
   * in-memory server instance answers the 2025 handshake.
   */
  modern?: boolean;
}

/** A client declaring what the options say; on the 2026-07-28 revision it fulfils input requests itself. */
function testClient(name: string, { clientRoots, elicit, modern }: ClientOptions): Client {
  const client = new Client(
    { name, version: '1' },
    {
      capabilities: {
        ...(clientRoots ? { roots: { listChanged: true } } : {}),
        ...(elicit ? { elicitation: { form: {} } } : {}),
      },
      ...(modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
    },
  );
  if (elicit) {
    client.setRequestHandler('elicitation/create', async (request) => elicit(request.params.message));
  }
  return client;
}

/**
 * A real client over an in-memory transport (2025 handshake unless `modern`), offering `clientRoots` and
 * answering elicitation when given.
 */
async function connectInMemory(
  definition: ServerDefinition,
  runtime: Runtime,
  options: ClientRoots | ClientOptions | undefined,
  cleanup: () => Promise<void>,
): Promise<Session> {
  const { clientRoots, elicit, modern } =
    options === undefined || Array.isArray(options) || typeof options === 'function'
      ? ({ clientRoots: options } as ClientOptions)
      : options;
  const server = buildMcpServer(definition, runtime);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = testClient('rampart-test', { clientRoots, elicit, modern });
  if (clientRoots) {
    client.setRequestHandler('roots/list', async () => ({
      roots: (typeof clientRoots === 'function' ? await clientRoots() : clientRoots).map((dir) => ({
        uri: pathToFileURL(dir).href,
        name: path.basename(dir),
      })),
    }));
  }
  await client.connect(clientSide);
  return session(client, async () => {
    await client.close();
    await server.close();
    await cleanup();
    await runtime.audit.close();
  });
}

/** An fs server in this process with a real client over an in-memory transport. */
export async function connectFs(options: InProcessOptions): Promise<Session> {
  const { clientRoots, ...config } = options;
  const parsed = fsConfigSchema.parse({ logLevel: 'silent', ...config });
  const fsOptions = await prepareFsOptions(parsed);
  const runtime = await createRuntime({ ...parsed });
  return connectInMemory(fsServer(fsOptions), runtime, clientRoots, async () => {});
}

/** A db server in this process (the engine the URL names), with a real client over an in-memory transport. */
export async function connectDb(config: Record<string, unknown>): Promise<Session> {
  const parsed = dbConfigSchema.parse({ logLevel: 'silent', ...config });
  const engine = await openEngine(parsed);
  const runtime = await createRuntime({ ...parsed });
  return connectInMemory(dbServer(engine, parsed), runtime, undefined, () => engine.close());
}

/** A git server in this process over the given repositories, with a real client. */
export async function connectGit(
  repositories: string[],
  options: Record<string, unknown> & { clientRoots?: ClientRoots } = {},
): Promise<Session> {
  const { clientRoots, ...config } = options;
  const parsed = gitConfigSchema.parse({ logLevel: 'silent', repositories, ...config });
  const prepared = await prepareGit(parsed);
  const runtime = await createRuntime({ ...parsed });
  return connectInMemory(gitServer(prepared), runtime, clientRoots, async () => {});
}

/**
 * An http server in this process with a real client over an in-memory transport. `resolver` stands in for DNS,
 * so tests can give names to loopback addresses (and change their answers between lookups).
 */
export async function connectHttp(config: Record<string, unknown>, resolver?: Resolver): Promise<Session> {
  const parsed = httpConfigSchema.parse({ logLevel: 'silent', ...config });
  const prepared = await prepareHttp(parsed, resolver);
  const runtime = await createRuntime({ ...parsed });
  return connectInMemory(httpServer(prepared), runtime, undefined, () => prepared.close());
}

/** A krakend server in this process with a real client; `roots` default to none beyond what is given. */
export async function connectKrakend(
  config: Record<string, unknown>,
  options: { clientRoots?: ClientRoots; hooks?: Parameters<typeof prepareKrakend>[1] } = {},
): Promise<Session> {
  const parsed = krakendConfigSchema.parse({ logLevel: 'silent', ...config });
  const prepared = await prepareKrakend(parsed, options.hooks ?? { progress: () => {} });
  const runtime = await createRuntime({ ...parsed });
  return connectInMemory(krakendServer(prepared), runtime, options.clientRoots, async () => {});
}

/** A registry server in this process over the given registries, with a real client. */
export async function connectRegistry(
  config: Record<string, unknown>,
  options: { env?: NodeJS.ProcessEnv } & Omit<ClientOptions, 'modern'> = {},
): Promise<Session> {
  const parsed = registryConfigSchema.parse({ logLevel: 'silent', ...config });
  const prepared = prepareRegistry(parsed, options.env ?? {});
  const runtime = await createRuntime({ ...parsed });
  return connectInMemory(registryServer(prepared), runtime, options, () => prepared.close());
}

/** Prepares a sessions server (one store) whose connections share it, as a running `rampart sessions` would. */
export async function prepareSessionsForTest(config: Record<string, unknown>): Promise<PreparedSessions> {
  return prepareSessions(sessionsConfigSchema.parse({ logLevel: 'silent', ...config }));
}

/** One client connection to a prepared sessions server: each connection is its own session. */
export async function connectSessions(prepared: PreparedSessions): Promise<Session> {
  const runtime = await createRuntime({ ...prepared.config });
  return connectInMemory(sessionsServer(prepared), runtime, undefined, async () => {});
}
