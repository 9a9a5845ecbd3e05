import type { Backup, BackupSubject, BackupVersion } from './backup-format.js';

export interface SettingChange {
  readonly subject: string | null;
  readonly setting: 'config' | 'mode';
  readonly from: unknown;
  readonly to: unknown;
}

/** What putting one subject back as the backup had it takes. */
export interface SubjectRestore {
  readonly subject: string;
  readonly backup: BackupSubject;
  /** The subject as the registry has it now: what removals are ordered by. */
  readonly now: BackupSubject;
  /** Versions to remove for good (soft-deleted first when live): absent, or different, at backup time. */
  readonly remove: readonly { version: number; live: boolean }[];
  /** Versions to register with their id and number (IMPORT mode). */
  readonly register: readonly BackupVersion[];
  /** Versions to soft-delete: live now, or registered again, but soft-deleted at backup time. */
  readonly softDelete: readonly number[];
  readonly config: SettingChange | undefined;
  readonly mode: SettingChange | undefined;
}

export interface RestorePlan {
  readonly subjects: readonly SubjectRestore[];
  readonly global: readonly SettingChange[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const absent = (subject: string): BackupSubject => ({ subject, versions: [], config: null, mode: null });

/** How `now` differs from `backup` for one subject; `undefined` when it is already as the backup had it. */
export function diffSubject(backup: BackupSubject, now: BackupSubject): SubjectRestore | undefined {
  const remove: { version: number; live: boolean }[] = [];
  const register: BackupVersion[] = [];
  const softDelete: number[] = [];
  const wanted = new Map(backup.versions.map((v) => [v.version, v]));
  const present = new Map(now.versions.map((v) => [v.version, v]));
  for (const current of now.versions) {
    const kept = wanted.get(current.version);
    const identical =
      kept !== undefined &&
      kept.id === current.id &&
      kept.schema === current.schema &&
      same(kept.references, current.references);
    if (!identical || (kept.deleted === false && current.deleted)) {
      // An id cannot be moved, nor a soft delete undone: the version goes and comes back as it was.
      remove.push({ version: current.version, live: !current.deleted });
      if (kept) register.push(kept);
    } else if (kept.deleted && !current.deleted) softDelete.push(current.version);
  }
  for (const version of backup.versions) if (!present.has(version.version)) register.push(version);
  register.sort((a, b) => a.version - b.version);
  for (const version of register) if (version.deleted) softDelete.push(version.version);
  const config = same(backup.config, now.config)
    ? undefined
    : { subject: backup.subject, setting: 'config' as const, from: now.config, to: backup.config };
  const mode =
    backup.mode === now.mode
      ? undefined
      : { subject: backup.subject, setting: 'mode' as const, from: now.mode, to: backup.mode };
  if (remove.length + register.length + softDelete.length === 0 && !config && !mode) return undefined;
  return { subject: backup.subject, backup, now, remove, register, softDelete, config, mode };
}

/**
 * The changes that put the registry back as the backup found it: every subject the backup covers, and for a
 * backup of everything also the subjects made since (which go) and the global settings.
 */
export function planRestore(
  backup: Backup,
  now: readonly BackupSubject[],
  global: { compatibilityLevel: string | null; mode: string | null },
): RestorePlan {
  const current = new Map(now.map((s) => [s.subject, s]));
  const covered = new Map(backup.subjects.map((s) => [s.subject, s]));
  if (backup.scope === 'all')
    for (const s of now) if (!covered.has(s.subject)) covered.set(s.subject, absent(s.subject));
  const subjects: SubjectRestore[] = [];
  for (const [name, wanted] of covered) {
    const change = diffSubject(wanted, current.get(name) ?? absent(name));
    if (change) subjects.push(change);
  }
  const changes: SettingChange[] = [];
  if (backup.scope === 'all') {
    if (
      backup.global.compatibilityLevel !== null &&
      backup.global.compatibilityLevel !== global.compatibilityLevel
    )
      changes.push({
        subject: null,
        setting: 'config',
        from: global.compatibilityLevel,
        to: backup.global.compatibilityLevel,
      });
    if (backup.global.mode !== null && backup.global.mode !== global.mode)
      changes.push({ subject: null, setting: 'mode', from: global.mode, to: backup.global.mode });
  }
  return { subjects, global: changes };
}
