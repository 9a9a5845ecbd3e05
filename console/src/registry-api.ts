import type { CallToolResult } from '@modelcontextprotocol/client';
import type { ServerInfo } from './api';
import type { SchemaType } from './registry-diff';
import { callTool } from './tools';

/**
 * The Schema Registry page's reads, each a call of a `registry` server's own tool through the MCP client at
 * /mcp/<name>: the gateway's auth, scopes, rate limits and audit apply, and the console never speaks to a
 * registry itself. Every tool used here is read-only (check_compatibility registers nothing).
 */

export const SCHEMA_TYPES: readonly SchemaType[] = ['AVRO', 'JSON', 'PROTOBUF'];

export interface RegistryInfo {
  readonly name: string;
  readonly url: string;
  readonly viewonly: boolean;
}

export interface Reference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface SchemaVersion {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schemaType: SchemaType;
  readonly schema: string;
  readonly references: readonly Reference[];
}

export interface Verdict {
  readonly compatible: boolean;
  readonly level: string;
  readonly messages: readonly string[];
}

/** The servers of kind `registry`, the only ones this page reads. */
export function registryMounts(servers: readonly ServerInfo[]): ServerInfo[] {
  return servers.filter((server) => server.kind === 'registry');
}

function textOf(result: CallToolResult | undefined): string {
  return (result?.content ?? [])
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('\n')
    .trim();
}

/** A tool's structured result, or an error carrying the tool's own refusal text. */
async function call<T>(server: string, tool: string, args: Record<string, unknown>): Promise<T> {
  const outcome = await callTool(server, tool, args);
  if (outcome.failure !== undefined) throw new Error(`${tool} failed: ${outcome.failure}`);
  const { result } = outcome;
  if (!result || result.isError) throw new Error(textOf(result) || `${tool} was refused`);
  const content = result.structuredContent;
  if (content === undefined || content === null || typeof content !== 'object')
    throw new Error(`${tool} answered without a structured result`);
  return content as T;
}

export async function listRegistries(server: string): Promise<RegistryInfo[]> {
  const answer = await call<{ registries?: RegistryInfo[] }>(server, 'list_registries', {});
  return Array.isArray(answer.registries) ? answer.registries : [];
}

export async function listSubjects(server: string, registry: string): Promise<string[]> {
  const answer = await call<{ subjects?: string[] }>(server, 'list_subjects', { registry });
  return Array.isArray(answer.subjects) ? [...answer.subjects].sort() : [];
}

export async function listVersions(server: string, registry: string, subject: string): Promise<number[]> {
  const answer = await call<{ versions?: number[] }>(server, 'get_schema_versions', { registry, subject });
  return Array.isArray(answer.versions) ? [...answer.versions].sort((a, b) => a - b) : [];
}

export async function subjectLevel(
  server: string,
  registry: string,
  subject: string,
): Promise<{ compatibility: string; inherited: boolean }> {
  return call(server, 'get_subject_config', { registry, subject });
}

export async function getVersion(
  server: string,
  registry: string,
  subject: string,
  version: number,
): Promise<SchemaVersion> {
  const found = await call<Partial<SchemaVersion>>(server, 'get_schema', { registry, subject, version });
  if (typeof found.schema !== 'string' || typeof found.id !== 'number')
    throw new Error(`get_schema answered without a schema for ${subject} version ${version}`);
  return {
    subject: found.subject ?? subject,
    id: found.id,
    version: found.version ?? version,
    schemaType: found.schemaType ?? 'AVRO',
    schema: found.schema,
    references: Array.isArray(found.references) ? found.references : [],
  };
}

/** The verdict on a draft at the subject's configured level, as registration would judge it; nothing is stored. */
export async function checkDraft(
  server: string,
  registry: string,
  subject: string,
  schema: string,
  schemaType: SchemaType,
): Promise<Verdict> {
  const answer = await call<Partial<Verdict>>(server, 'check_compatibility', {
    registry,
    subject,
    schema,
    schema_type: schemaType,
  });
  if (typeof answer.compatible !== 'boolean')
    throw new Error('check_compatibility answered without a verdict');
  return {
    compatible: answer.compatible,
    level: answer.level ?? 'unknown',
    messages: Array.isArray(answer.messages) ? answer.messages : [],
  };
}
