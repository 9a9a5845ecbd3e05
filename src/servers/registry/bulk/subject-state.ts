import { RegistryApiError, type RegistryClient } from '../client.js';
import { path } from '../tools/shared.js';
import type { BackupSubject, BackupVersion } from './backup-format.js';

/** `undefined` when the registry answers 404 (no such subject, no override), the answer otherwise. */
export async function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof RegistryApiError && error.status === 404) return undefined;
    throw error;
  }
}

interface VersionAnswer {
  id: number;
  schemaType?: BackupVersion['schemaType'];
  schema: string;
  references?: BackupVersion['references'];
  metadata?: Record<string, unknown>;
  ruleSet?: Record<string, unknown>;
}

/**
 * Everything the registry holds for one subject: every version, soft-deleted ones too (`?deleted=true`), with
 * ids, and the subject's own compatibility config and mode (null when it has none).
 */
export async function readSubjectState(
  client: RegistryClient,
  subject: string,
  signal: AbortSignal,
): Promise<BackupSubject> {
  const versionsPath = path('subjects', subject, 'versions');
  const all =
    (await unlessMissing(client.call<number[]>('GET', `${versionsPath}?deleted=true`, undefined, signal))) ??
    [];
  const live = new Set(
    all.length === 0
      ? []
      : ((await unlessMissing(client.call<number[]>('GET', versionsPath, undefined, signal))) ?? []),
  );
  const versions: BackupVersion[] = [];
  for (const version of all) {
    const found = await client.call<VersionAnswer>(
      'GET',
      `${path('subjects', subject, 'versions', version)}?deleted=true`,
      undefined,
      signal,
    );
    versions.push({
      version,
      id: found.id,
      schemaType: found.schemaType ?? 'AVRO',
      schema: found.schema,
      references: found.references ?? [],
      ...(found.metadata ? { metadata: found.metadata } : {}),
      ...(found.ruleSet ? { ruleSet: found.ruleSet } : {}),
      deleted: !live.has(version),
    });
  }
  const config = await unlessMissing(
    client.call<{ compatibilityLevel?: string; normalize?: boolean; alias?: string }>(
      'GET',
      path('config', subject),
      undefined,
      signal,
    ),
  );
  const mode = await unlessMissing(
    client.call<{ mode: string }>('GET', path('mode', subject), undefined, signal),
  );
  return {
    subject,
    versions,
    config: config
      ? {
          ...(config.compatibilityLevel !== undefined
            ? { compatibilityLevel: config.compatibilityLevel }
            : {}),
          ...(config.normalize !== undefined ? { normalize: config.normalize } : {}),
          ...(config.alias !== undefined ? { alias: config.alias } : {}),
        }
      : null,
    mode: mode?.mode ?? null,
  };
}

/** The global compatibility level and mode. */
export async function readGlobalState(
  client: RegistryClient,
  signal: AbortSignal,
): Promise<{ compatibilityLevel: string | null; mode: string | null }> {
  const config = await unlessMissing(
    client.call<{ compatibilityLevel?: string }>('GET', '/config', undefined, signal),
  );
  const mode = await unlessMissing(client.call<{ mode?: string }>('GET', '/mode', undefined, signal));
  return { compatibilityLevel: config?.compatibilityLevel ?? null, mode: mode?.mode ?? null };
}

/** Every subject name the registry knows, soft-deleted ones included. */
export async function allSubjects(client: RegistryClient, signal: AbortSignal): Promise<string[]> {
  return client.call<string[]>('GET', '/subjects?deleted=true', undefined, signal);
}

/** Each subject's effective mode (its own, else the context's or global one), read one at a time. */
export async function effectiveModes(
  client: RegistryClient,
  subjects: Iterable<string>,
  signal: AbortSignal,
): Promise<Map<string, string>> {
  const modes = new Map<string, string>();
  for (const subject of subjects) {
    const answer = await client.call<{ mode: string }>(
      'GET',
      `${path('mode', subject)}?defaultToGlobal=true`,
      undefined,
      signal,
    );
    modes.set(subject, answer.mode);
  }
  return modes;
}
