import { fileURLToPath } from 'node:url';
import {
  INVALID_PARAMS,
  McpServer,
  ProtocolError,
  ResourceTemplate,
  type ScopeChallengeHandler,
  type ServerContext,
  type StandardSchemaWithJSON,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { clientCanElicit, readConfirmation } from './confirm.js';
import {
  type PromptDefinition,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ServerDefinition,
  scopeOf,
  type ToolDefinition,
  type ToolScope,
} from './define.js';
import { type CallInfo, type Runtime, runTool } from './envelope.js';
import { Refusal } from './errors.js';
import { errorFields } from './log.js';
import { auditedRead, type ReadInfo } from './resource-audit.js';
import { sdkCompleters } from './resource-complete.js';

/**
 * Presents a zod schema's JSON Schema to the SDK while accepting any value: the policy envelope does the
 * validation, so that bad input is refused with Rampart's message, counted against the argument cap and
 * written to the audit log like every other call.
 */
function advertiseOnly(schema: z.ZodType): StandardSchemaWithJSON {
  const standard = schema['~standard'] as unknown as StandardSchemaWithJSON['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'rampart',
      jsonSchema: standard.jsonSchema,
      validate: (value: unknown) => ({ value }),
    },
  } as StandardSchemaWithJSON;
}

/** How long a tool call waits for the client to answer roots/list before it is refused. */
const ROOTS_WAIT_MS = 5_000;

const ROOTS_PENDING =
  'the client has not answered roots/list yet, so the allowed directories are unknown; try again';

function fileRoots(uris: readonly { uri: string }[]): string[] {
  const paths: string[] = [];
  for (const { uri } of uris) {
    if (!uri.startsWith('file:')) continue;
    try {
      paths.push(fileURLToPath(uri));
    } catch {
      // A malformed root is ignored: it can only narrow, never widen, what the operator allowed.
    }
  }
  return paths;
}

/**
 * Holds tool calls while the client's roots are being read. Refreshes run one after another, so an older
 * answer can never land after a newer one; a call that would wait longer than ROOTS_WAIT_MS is refused
 * rather than run on roots that may be about to narrow.
 */
class RootsGate {
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  enqueue(refresh: () => Promise<void>): void {
    this.waiting++;
    this.chain = this.chain.then(refresh).finally(() => {
      this.waiting--;
    });
  }

  /** Undefined when nothing is pending (no timer, no allocation); else whether the roots settled in time. */
  ready(): Promise<boolean> | undefined {
    if (this.waiting === 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ROOTS_WAIT_MS);
    });
    return Promise.race([this.chain.then(() => true), timeout]).finally(() => clearTimeout(timer));
  }
}

function wireClientRoots(mcp: McpServer, def: ServerDefinition, runtime: Runtime, gate: RootsGate): void {
  const onRoots = def.onClientRoots;
  if (!onRoots) return;
  let narrowed = false;
  const refresh = async () => {
    try {
      const result = await mcp.server.listRoots();
      await onRoots(fileRoots(result.roots));
      narrowed = true;
    } catch (error) {
      // A failed refresh keeps the client's last roots: falling back would widen what it had narrowed.
      if (narrowed) {
        runtime.log.warn('could not refresh the client roots; keeping the last ones', errorFields(error));
        return;
      }
      runtime.log.warn('could not read the client roots; the operator roots apply', errorFields(error));
      await onRoots(undefined);
    }
  };
  mcp.server.oninitialized = () => {
    if (mcp.server.getClientCapabilities()?.roots) gate.enqueue(refresh);
    else void onRoots(undefined);
  };
  mcp.server.setNotificationHandler('notifications/roots/list_changed', () => {
    gate.enqueue(refresh);
  });
}

function readInfo(mcp: McpServer, def: ServerDefinition, ctx: ServerContext): ReadInfo {
  return {
    server: def.name,
    // Over HTTP the authenticated client (the token's client id) is who called; over stdio, the client's name.
    client: ctx.http?.authInfo?.clientId ?? mcp.server.getClientVersion()?.name ?? 'unknown',
    signal: ctx.mcpReq.signal,
  };
}

function callInfo(mcp: McpServer, def: ServerDefinition, ctx: ServerContext): CallInfo {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const canAsk = clientCanElicit(ctx.mcpReq.envelope, mcp.server.getClientCapabilities());
  return {
    ...readInfo(mcp, def, ctx),
    progress: async (progress, total, message) => {
      if (progressToken === undefined) return;
      await ctx.mcpReq
        .notify({ method: 'notifications/progress', params: { progressToken, progress, total, message } })
        .catch(() => undefined);
    },
    confirmation: readConfirmation(ctx.mcpReq.inputResponses, canAsk),
  };
}

/**
 * Answers a call whose token lacks the scope it needs with HTTP 403 `insufficient_scope` (naming the scope, so
 * the client can step up) before any handler runs. Scopes are widened when the token is verified (admin includes
 * write includes read), so an exact match suffices here. Calls without a token (stdio) are not scoped.
 */
function requireScope(scope: ToolScope, what: string): ScopeChallengeHandler {
  return ({ authInfo }) => {
    if (authInfo === undefined || authInfo.scopes.includes(scope)) return undefined;
    return { scopes: [scope], errorDescription: `${what} needs the ${scope} scope` };
  };
}

function registerTool(
  mcp: McpServer,
  def: ServerDefinition,
  tool: ToolDefinition,
  runtime: Runtime,
  gate: RootsGate,
) {
  mcp.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: advertiseOnly(tool.input),
      outputSchema: advertiseOnly(tool.output),
      annotations: { title: tool.title, ...tool.annotations },
      scopeChallenge: requireScope(scopeOf(tool), tool.name),
    },
    async (args: unknown, ctx: ServerContext) => {
      const waiting = gate.ready();
      if (waiting && !(await waiting))
        return { content: [{ type: 'text', text: ROOTS_PENDING }], isError: true };
      return runTool(tool, args, callInfo(mcp, def, ctx), runtime);
    },
  );
}

function registerResourceTemplate(
  mcp: McpServer,
  def: ServerDefinition,
  template: ResourceTemplateDefinition,
  runtime: Runtime,
  gate: RootsGate,
) {
  const list = template.list;
  mcp.registerResource(
    template.name,
    new ResourceTemplate(template.uriTemplate, {
      list: list
        ? async (ctx) => {
            if (!(await (gate.ready() ?? true))) throw new ProtocolError(INVALID_PARAMS, ROOTS_PENDING);
            return { resources: await list(ctx.mcpReq.signal) };
          }
        : undefined,
      complete: sdkCompleters(template, runtime),
    }),
    {
      title: template.title,
      description: template.description,
      ...(template.mimeType ? { mimeType: template.mimeType } : {}),
      scopeChallenge: requireScope('read', `reading ${template.name}`),
    },
    async (uri, variables, ctx) => ({
      contents: await auditedRead(
        { tool: `resource:${template.name}`, uri: uri.href },
        readInfo(mcp, def, ctx),
        runtime,
        async (signal) => {
          if (!(await (gate.ready() ?? true))) throw new Refusal(ROOTS_PENDING);
          return template.read(uri, variables, signal);
        },
      ),
    }),
  );
}

function registerResource(
  mcp: McpServer,
  def: ServerDefinition,
  resource: ResourceDefinition,
  runtime: Runtime,
) {
  mcp.registerResource(
    resource.name,
    resource.uri,
    {
      title: resource.title,
      description: resource.description,
      ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
      scopeChallenge: requireScope('read', `reading ${resource.name}`),
    },
    async (uri, ctx) => ({
      contents: await auditedRead(
        { tool: `resource:${resource.name}`, uri: uri.href },
        readInfo(mcp, def, ctx),
        runtime,
        (signal) => resource.read(signal),
      ),
    }),
  );
}

function registerPrompt(mcp: McpServer, def: ServerDefinition, prompt: PromptDefinition, runtime: Runtime) {
  mcp.registerPrompt(
    prompt.name,
    {
      title: prompt.title,
      description: prompt.description,
      scopeChallenge: requireScope('read', `prompt ${prompt.name}`),
    },
    async (ctx) => {
      const text = await auditedRead(
        { tool: `prompt:${prompt.name}` },
        readInfo(mcp, def, ctx),
        runtime,
        (signal) => prompt.text(signal),
      );
      return { messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
    },
  );
}

/** Builds one SDK server instance from a definition. Each connection (or HTTP request) gets its own. */
export function buildMcpServer(def: ServerDefinition, runtime: Runtime): McpServer {
  const mcp = new McpServer(
    { name: `rampart-${def.name}`, version: def.version },
    {
      capabilities: {
        tools: {},
        ...(def.resourceTemplates?.length || def.resources?.length ? { resources: {} } : {}),
        ...(def.prompts?.length ? { prompts: {} } : {}),
        ...(def.resourceTemplates?.some((t) => t.complete) ? { completions: {} } : {}),
      },
      ...(def.instructions ? { instructions: def.instructions } : {}),
    },
  );
  const gate = new RootsGate();
  wireClientRoots(mcp, def, runtime, gate);
  for (const tool of def.tools) registerTool(mcp, def, tool, runtime, gate);
  for (const template of def.resourceTemplates ?? [])
    registerResourceTemplate(mcp, def, template, runtime, gate);
  for (const resource of def.resources ?? []) registerResource(mcp, def, resource, runtime);
  for (const prompt of def.prompts ?? []) registerPrompt(mcp, def, prompt, runtime);
  return mcp;
}
