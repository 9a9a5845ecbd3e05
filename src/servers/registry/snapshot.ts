import { RegistryApiError, type RegistryClient } from './client.js';
import { path } from './tools/shared.js';

export interface VersionSnapshot {
  readonly version: number;
  readonly id: number;
  readonly schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
  readonly schema: string;
  readonly references: readonly { name: string; subject: string; version: number }[];
}

export interface SubjectSnapshot {
  readonly subject: string;
  readonly versions: readonly VersionSnapshot[];
}

/** The context part of a subject name: `:.staging:orders` is in `.staging`, `orders` in `.`. */
export function contextOf(subject: string): string {
  return /^:(\.[^:]*):/.exec(subject)?.[1] ?? '.';
}

/**
 * Every version of one subject, oldest first; `[]` when the subject has no live versions (the registry answers
 * 404 then), so callers can ask about a subject without listing all of them first.
 */
export async function readSubject(
  client: RegistryClient,
  subject: string,
  signal: AbortSignal,
): Promise<VersionSnapshot[]> {
  let numbers: number[];
  try {
    numbers = await client.call<number[]>('GET', path('subjects', subject, 'versions'), undefined, signal);
  } catch (error) {
    if (error instanceof RegistryApiError && error.status === 404) return [];
    throw error;
  }
  const versions: VersionSnapshot[] = [];
  for (const version of numbers) {
    const found = await client.call<{
      id: number;
      schemaType?: VersionSnapshot['schemaType'];
      schema: string;
      references?: VersionSnapshot['references'];
    }>('GET', path('subjects', subject, 'versions', version), undefined, signal);
    versions.push({
      version,
      id: found.id,
      schemaType: found.schemaType ?? 'AVRO',
      schema: found.schema,
      references: found.references ?? [],
    });
  }
  return versions;
}

/** Every version of every subject the filter keeps, read from one registry, reporting progress per subject. */
export async function snapshot(
  client: RegistryClient,
  keep: (subject: string) => boolean,
  signal: AbortSignal,
  progress?: (done: number, total: number) => void,
): Promise<SubjectSnapshot[]> {
  const subjects = (await client.call<string[]>('GET', '/subjects', undefined, signal)).filter(keep);
  const result: SubjectSnapshot[] = [];
  for (const [i, subject] of subjects.entries()) {
    result.push({ subject, versions: await readSubject(client, subject, signal) });
    progress?.(i + 1, subjects.length);
  }
  return result;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value as object)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/**
 * What a schema says, independent of how it was written: JSON with sorted keys for Avro and JSON Schema, .proto
 * text with comments and runs of whitespace collapsed. Two registries agree on a version when these match.
 */
export function canonicalContent(
  version: Pick<VersionSnapshot, 'schemaType' | 'schema' | 'references'>,
): string {
  let body: string;
  if (version.schemaType === 'PROTOBUF') {
    body = version.schema
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/[^\n]*/g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};=<>,()[\]])\s*/g, '$1')
      .trim();
  } else {
    try {
      body = JSON.stringify(sortKeys(JSON.parse(version.schema)));
    } catch {
      body = version.schema;
    }
  }
  const references = [...version.references]
    .map((r) => `${r.name}=${r.subject}@${r.version}`)
    .sort()
    .join(',');
  return `${version.schemaType}\u0000${body}\u0000${references}`;
}
