import type { VersionOf } from './referrers.js';

/**
 * The registry's compatibility levels and modes, one list for the single-subject tools (tools/write.ts) and the bulk
 * ones. src/registry-server/compat/levels.ts keeps its own: it is another server, and servers do not import each other.
 */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export const MODES = ['READWRITE', 'READONLY', 'IMPORT'] as const;

/** What the registry says about one matched subject's settings. */
export interface SubjectSettings {
  readonly subject: string;
  /** Its own compatibility level, null when it inherits one. */
  readonly ownCompatibility: string | null;
  readonly effectiveCompatibility: string;
  readonly ownMode: string | null;
  readonly effectiveMode: string;
  readonly liveVersions: number;
}

export interface ConfigTarget {
  readonly compatibility?: (typeof COMPATIBILITY_LEVELS)[number];
  readonly mode?: (typeof MODES)[number];
}

export interface SettingStep {
  readonly subject: string;
  readonly setting: 'compatibility' | 'mode';
  /** What applies now (its own, or inherited when `inherited`). */
  readonly from: string;
  readonly inherited: boolean;
  readonly to: string;
}

export interface ConfigPlan {
  /** In the order to run: every compatibility change, then every mode change (READONLY last of all). */
  readonly changes: SettingStep[];
  /** Subjects whose own setting is already the target. */
  readonly unchanged: string[];
  readonly blocked: { subject: string; reason: string }[];
  readonly impact: { subject: string; referenced_by: VersionOf[] }[];
}

/**
 * From → to for each matched subject. A subject gets its own override even when what it inherits is already the
 * target, so a later change of the global or context setting does not move it. Blocked: everything on a view-only
 * registry; a subject in IMPORT mode (an import or migration is writing it, and its mode is restored after); IMPORT
 * mode asked of a subject with live versions (the registry only allows that forced, for an import that keeps ids).
 */
export function planConfigUpdate(
  subjects: readonly SubjectSettings[],
  target: ConfigTarget,
  facts: { viewOnly: boolean; referrers: ReadonlyMap<string, readonly VersionOf[]> },
): ConfigPlan {
  const plan: ConfigPlan = { changes: [], unchanged: [], blocked: [], impact: [] };
  const modeChanges: SettingStep[] = [];
  for (const s of subjects) {
    const block = (reason: string) => plan.blocked.push({ subject: s.subject, reason });
    if (facts.viewOnly) {
      block('the registry is view-only');
      continue;
    }
    if (s.effectiveMode === 'IMPORT' && target.mode !== undefined && target.mode !== 'IMPORT') {
      block('in IMPORT mode: an import or migration is writing it, and puts its mode back when done');
      continue;
    }
    if (target.mode === 'IMPORT' && s.liveVersions > 0) {
      block(
        'IMPORT mode is only for a subject with no versions yet (migrate_schema and import_schemas use it)',
      );
      continue;
    }
    const steps: SettingStep[] = [];
    if (target.compatibility !== undefined && s.ownCompatibility !== target.compatibility)
      steps.push({
        subject: s.subject,
        setting: 'compatibility',
        from: s.effectiveCompatibility,
        inherited: s.ownCompatibility === null,
        to: target.compatibility,
      });
    if (target.mode !== undefined && s.ownMode !== target.mode)
      modeChanges.push({
        subject: s.subject,
        setting: 'mode',
        from: s.effectiveMode,
        inherited: s.ownMode === null,
        to: target.mode,
      });
    const changesMode = modeChanges.at(-1)?.subject === s.subject;
    if (steps.length === 0 && !changesMode) {
      plan.unchanged.push(s.subject);
      continue;
    }
    plan.changes.push(...steps);
    const referrers = (facts.referrers.get(s.subject) ?? []).filter((r) => r.subject !== s.subject);
    if (referrers.length > 0) plan.impact.push({ subject: s.subject, referenced_by: referrers });
  }
  plan.changes.push(...modeChanges.sort((a, b) => Number(a.to === 'READONLY') - Number(b.to === 'READONLY')));
  return plan;
}
