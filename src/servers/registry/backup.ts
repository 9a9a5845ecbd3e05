import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Refusal } from '../../core/errors.js';
import { writeFileAtomically } from './bulk/atomic-write.js';
import { BACKUP_FORMAT, type Backup, type BackupSubject, readBackup } from './bulk/backup-format.js';
import {
  planRestore,
  type RestorePlan,
  type SettingChange,
  type SubjectRestore,
} from './bulk/restore-plan.js';
import { allSubjects, readGlobalState, readSubjectState } from './bulk/subject-state.js';
import type { RegistryClient } from './client.js';
import { orderByReferences } from './ordering.js';
import { path as apiPath } from './tools/shared.js';

export { BACKUP_FORMAT, type Backup } from './bulk/backup-format.js';

export type BackupScope = { subjects: readonly string[] } | 'all';

export interface BackupResult {
  readonly path: string;
  readonly subjects: number;
  readonly versions: number;
}

const safeLabel = (label: string) => label.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'backup';

/**
 * Reads what `scope` covers (every version with its id, soft-deleted ones too, the subjects' own config and mode,
 * and the global ones) and writes it as one bundle, atomically, into `dir`. Subjects named in the scope that do
 * not exist are recorded as absent, so a restore removes whatever was made under them since.
 */
export async function takeBackup(
  client: RegistryClient,
  scope: BackupScope,
  options: { dir: string; signal: AbortSignal; label: string },
): Promise<BackupResult> {
  const names = scope === 'all' ? await allSubjects(client, options.signal) : [...new Set(scope.subjects)];
  const subjects: BackupSubject[] = [];
  for (const subject of names) subjects.push(await readSubjectState(client, subject, options.signal));
  const takenAt = new Date();
  const backup: Backup = {
    format: BACKUP_FORMAT,
    registry: client.name,
    label: options.label,
    taken_at: takenAt.toISOString(),
    scope: scope === 'all' ? 'all' : { subjects: names },
    global: await readGlobalState(client, options.signal),
    subjects,
  };
  options.signal.throwIfAborted();
  const stamp = takenAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d+)Z$/, '$1Z');
  const file = path.join(
    path.resolve(options.dir),
    // The random part keeps two runs in the same millisecond from renaming one backup over the other.
    `${safeLabel(client.name)}-${stamp}-${randomBytes(3).toString('hex')}-${safeLabel(options.label)}.json`,
  );
  await writeFileAtomically(file, `${JSON.stringify(backup, null, 2)}\n`);
  return {
    path: file,
    subjects: subjects.length,
    versions: subjects.reduce((n, s) => n + s.versions.length, 0),
  };
}

export interface RestoreReport {
  readonly registry: string;
  readonly backup: string;
  /** Subjects that were not as the backup had them. */
  readonly subjects: string[];
  readonly removed: { subject: string; version: number }[];
  readonly registered: { subject: string; version: number; id: number }[];
  readonly soft_deleted: { subject: string; version: number }[];
  readonly settings: SettingChange[];
}

/** What restoring `file` would change, read from the registry now; nothing is written. */
export async function planBackupRestore(
  client: RegistryClient,
  file: string,
  signal: AbortSignal,
): Promise<{ backup: Backup; plan: RestorePlan }> {
  const backup = await readBackup(file);
  if (backup.registry !== client.name)
    throw new Refusal(`backup ${file} is of registry ${backup.registry}, not ${client.name}`);
  const names =
    backup.scope === 'all'
      ? [...new Set([...backup.subjects.map((s) => s.subject), ...(await allSubjects(client, signal))])]
      : backup.subjects.map((s) => s.subject);
  const now: BackupSubject[] = [];
  for (const subject of names) now.push(await readSubjectState(client, subject, signal));
  return { backup, plan: planRestore(backup, now, await readGlobalState(client, signal)) };
}

/** The report of a plan, as if it ran: the dry run of restore_backup shows this. */
export function describePlan(client: RegistryClient, file: string, plan: RestorePlan): RestoreReport {
  return {
    registry: client.name,
    backup: file,
    subjects: plan.subjects.map((s) => s.subject),
    removed: plan.subjects.flatMap((s) => s.remove.map((r) => ({ subject: s.subject, version: r.version }))),
    registered: plan.subjects.flatMap((s) =>
      s.register.map((v) => ({ subject: s.subject, version: v.version, id: v.id })),
    ),
    soft_deleted: plan.subjects.flatMap((s) =>
      s.softDelete.map((version) => ({ subject: s.subject, version })),
    ),
    settings: [
      ...plan.subjects.flatMap((s) => [s.config, s.mode].filter((c): c is SettingChange => c !== undefined)),
      ...plan.global,
    ],
  };
}

const configBody = (config: NonNullable<BackupSubject['config']>) => ({
  ...(config.compatibilityLevel !== undefined ? { compatibility: config.compatibilityLevel } : {}),
  ...(config.normalize !== undefined ? { normalize: config.normalize } : {}),
  ...(config.alias !== undefined ? { alias: config.alias } : {}),
});

/**
 * Puts the subjects a backup covers back exactly as they were: versions that did not exist then (or differ) are
 * removed for good, missing ones registered under their ids and numbers in IMPORT mode, soft deletes redone, own
 * configs and modes set or removed, and the global ones set when the backup was of everything. Each touched
 * subject is in IMPORT mode while it is rewritten (so neither compatibility nor READONLY stands in the way) and
 * gets the backup's mode back at the end, even when a step fails.
 */
export async function restoreBackup(
  client: RegistryClient,
  file: string,
  options: { signal: AbortSignal; progress?: (done: number, total: number, message: string) => void },
): Promise<RestoreReport> {
  const { signal } = options;
  const { plan } = await planBackupRestore(client, file, signal);
  const report = describePlan(client, file, plan);
  const rewritten = plan.subjects.filter(
    (s) => s.remove.length + s.register.length + s.softDelete.length > 0,
  );
  // Removals follow the references the registry holds now (a subject made since can be referenced by another made
  // since); the soft deletes redone at the end follow the backup's.
  const removalOrder = orderByReferences(
    plan.subjects.map((s) => ({ ...s, versions: s.now.versions })),
  ).reverse();
  const referrersFirst = orderByReferences(
    plan.subjects.map((s) => ({ ...s, versions: s.backup.versions })),
  ).reverse();
  const steps: { message: string; run: () => Promise<unknown> }[] = [];
  const call = (method: 'PUT' | 'DELETE' | 'POST', route: string, body?: unknown) => () =>
    client.call(method, route, body, signal);
  const versionRoute = (subject: string, version: number) =>
    apiPath('subjects', subject, 'versions', version);
  for (const s of rewritten)
    steps.push({
      message: `${s.subject}: IMPORT mode`,
      run: call('PUT', `${apiPath('mode', s.subject)}?force=true`, { mode: 'IMPORT' }),
    });
  for (const s of removalOrder)
    for (const r of s.remove) {
      if (r.live)
        steps.push({
          message: `${s.subject} v${r.version}: soft delete`,
          run: call('DELETE', versionRoute(s.subject, r.version)),
        });
      steps.push({
        message: `${s.subject} v${r.version}: delete for good`,
        run: call('DELETE', `${versionRoute(s.subject, r.version)}?permanent=true`),
      });
    }
  for (const s of orderByReferences(rewritten.map((r) => ({ ...r, versions: r.backup.versions }))))
    for (const v of s.register)
      steps.push({
        message: `${s.subject} v${v.version}: register id ${v.id}`,
        run: call('POST', apiPath('subjects', s.subject, 'versions'), {
          schema: v.schema,
          schemaType: v.schemaType,
          references: v.references,
          ...(v.metadata ? { metadata: v.metadata } : {}),
          ...(v.ruleSet ? { ruleSet: v.ruleSet } : {}),
          id: v.id,
          version: v.version,
        }),
      });
  for (const s of referrersFirst)
    for (const version of s.softDelete)
      steps.push({
        message: `${s.subject} v${version}: soft delete`,
        run: call('DELETE', versionRoute(s.subject, version)),
      });
  for (const s of plan.subjects)
    if (s.config) {
      const config = s.backup.config;
      steps.push({
        message: `${s.subject}: config`,
        run: async () => {
          if (s.config?.from !== null)
            await client.call('DELETE', apiPath('config', s.subject), undefined, signal);
          if (config) await client.call('PUT', apiPath('config', s.subject), configBody(config), signal);
        },
      });
    }
  for (const change of plan.global)
    steps.push({
      message: `global ${change.setting}`,
      run:
        change.setting === 'config'
          ? call('PUT', '/config', { compatibility: change.to })
          : call('PUT', '/mode?force=true', { mode: change.to }),
    });
  const modesLeft = new Map<string, SubjectRestore>(
    [...rewritten, ...plan.subjects.filter((s) => s.mode)].map((s) => [s.subject, s]),
  );
  const total = steps.length + modesLeft.size;
  let done = 0;
  let failed = true;
  try {
    for (const step of steps) {
      signal.throwIfAborted();
      await step.run();
      options.progress?.(++done, total, step.message);
    }
    failed = false;
  } finally {
    // No signal: a subject must not stay in IMPORT mode because the restore stopped. After a failure this is
    // best effort, so the error that stopped the restore is the one reported.
    for (const s of modesLeft.values()) {
      const route = apiPath('mode', s.subject);
      const put =
        s.backup.mode !== null
          ? client.call('PUT', `${route}?force=true`, { mode: s.backup.mode })
          : client.call('DELETE', route).catch(() => undefined);
      await (failed ? put.catch(() => undefined) : put);
      options.progress?.(++done, total, `${s.subject}: mode`);
    }
  }
  return report;
}
