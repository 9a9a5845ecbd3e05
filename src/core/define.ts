import type { z } from 'zod';
import type { Limits } from '../guards/limits.js';
import type { RampartScope } from '../guards/scopes.js';
import type { Confirmation } from './confirm.js';
import type { Logger } from './log.js';

export interface ToolAnnotationsSpec {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** A tool that reads local state only: no writes, same answer twice, nothing outside the machine. */
export const READ_ONLY: ToolAnnotationsSpec = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** What the gateway's OAuth scopes map onto. Derived from annotations unless a tool says otherwise. */
export type ToolScope = RampartScope;

export type TextBlock = { type: 'text'; text: string };
export type ImageBlock = { type: 'image'; data: string; mimeType: string };
export type AudioBlock = { type: 'audio'; data: string; mimeType: string };
export type ResourceContents =
  | { uri: string; mimeType?: string; text: string }
  | { uri: string; mimeType?: string; blob: string };
export type ResourceBlock = { type: 'resource'; resource: ResourceContents };
export type ContentBlock = TextBlock | ImageBlock | AudioBlock | ResourceBlock;

export interface ToolContext {
  /** Fires on client cancellation or when the call's time budget runs out. Long work must watch it. */
  readonly signal: AbortSignal;
  readonly limits: Limits;
  readonly log: Logger;
  /** Reports progress to the client when it asked for it; a no-op otherwise. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** The user's answer to a destructive tool's question in this call; pass it to `requireConfirmation`. */
  readonly confirmation: Confirmation;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  /** Written for a model: what it does, when to use it, its limits. */
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotationsSpec;
  readonly scope?: ToolScope;
  /**
   * How to get the rest when a result is cut short (e.g. `call again with offset=…`); appended to the
   * truncation marker. The envelope uses it only when a result overflows the byte cap.
   */
  readonly continuation?: string;
  // Method syntax on purpose: it lets a list of differently-typed tools share one array type.
  handler(args: z.output<I>, ctx: ToolContext): Promise<z.output<O>>;
  /** The content blocks shown to the model; defaults to the structured result as indented JSON. */
  present?(result: z.output<O>): string | ContentBlock[];
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  if (!/^[a-z][a-z0-9_]*$/.test(tool.name)) throw new Error(`tool name "${tool.name}" must be snake_case`);
  return tool;
}

export function scopeOf(tool: Pick<ToolDefinition, 'scope' | 'annotations'>): ToolScope {
  if (tool.scope) return tool.scope;
  if (tool.annotations.readOnlyHint) return 'read';
  return tool.annotations.destructiveHint ? 'admin' : 'write';
}

export interface ResourceTemplateDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** An RFC 6570 URI template, e.g. `file://{+path}`. */
  readonly uriTemplate: string;
  readonly mimeType?: string;
  list?(signal: AbortSignal): Promise<{ uri: string; name: string; mimeType?: string }[]>;
  read(
    uri: URL,
    variables: Record<string, string | string[]>,
    signal: AbortSignal,
  ): Promise<ResourceContents[]>;
  /** Values for a template variable starting with what the user typed (core keeps the first 100). */
  readonly complete?: Readonly<Record<string, TemplateCompleter>>;
}

/** Completes one template variable; `context.arguments` holds the variables already filled in. */
export type TemplateCompleter = (
  value: string,
  context: { arguments?: Record<string, string> },
  signal: AbortSignal,
) => Promise<string[]>;

/** A resource at one fixed URI, e.g. `session://context`. */
export interface ResourceDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly uri: string;
  readonly mimeType?: string;
  read(signal: AbortSignal): Promise<ResourceContents[]>;
}

/** A prompt without arguments: its text is made when the client asks for it. */
export interface PromptDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  text(signal: AbortSignal): Promise<string>;
}

export interface ServerDefinition {
  readonly name: string;
  readonly version: string;
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition[];
  readonly resourceTemplates?: readonly ResourceTemplateDefinition[];
  readonly resources?: readonly ResourceDefinition[];
  readonly prompts?: readonly PromptDefinition[];
  /**
   * Called with the client's roots (file paths) when the client declares them, and again whenever they
   * change; `undefined` when the client has no roots capability.
   */
  readonly onClientRoots?: (roots: string[] | undefined) => Promise<void>;
  /**
   * Frees what this connection holds beyond the process's shared resources (a session slot, say). The surface
   * calls it once, after the connection closed; a process that stops on stdin's end or a signal calls it too.
   */
  readonly dispose?: () => Promise<void>;
  /**
   * Called once, before any request, by a surface where this one definition serves every client (the gateway's
   * stateless HTTP): state a tool would keep "for this session" would be every client's there, so it must refuse.
   */
  readonly onSharedByClients?: () => void;
}

export function defineServer(server: ServerDefinition): ServerDefinition {
  const seen = new Set<string>();
  for (const tool of server.tools) {
    if (seen.has(tool.name)) throw new Error(`server "${server.name}" defines tool "${tool.name}" twice`);
    seen.add(tool.name);
  }
  return server;
}
