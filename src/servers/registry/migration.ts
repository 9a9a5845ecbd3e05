import { RegistryApiError, type RegistryClient } from './client.js';
import { withImportMode } from './import-mode.js';
import { orderByReferences } from './ordering.js';
import {
  canonicalContent,
  readSubject,
  type SubjectSnapshot,
  snapshot,
  type VersionSnapshot,
} from './snapshot.js';
import { path } from './tools/shared.js';

type Reference = VersionSnapshot['references'][number];

export interface MigrationStep {
  source_subject: string;
  target_subject: string;
  version: number;
  id: number;
  schema_type: VersionSnapshot['schemaType'];
  /** register: will be (or was) written; skip: the target already has this content; blocked: cannot be. */
  action: 'register' | 'skip' | 'blocked';
  /** The version in the target: the kept number, the one already holding the content, or undefined (next). */
  target_version?: number;
  reason?: string;
  /** Set once the version is in the target (a run, not a dry run). */
  written?: boolean;
}

export interface MigrationPlan {
  readonly steps: MigrationStep[];
  /** Target subjects that already have versions and would receive new ones. */
  readonly nonEmptyTargets: string[];
  readonly subjects: SubjectSnapshot[];
}

export interface MigrationRequest {
  readonly source: RegistryClient;
  readonly target: RegistryClient;
  /** Which source subjects move; references to subjects outside it must already be in the target. */
  readonly keep: (subject: string) => boolean;
  /** The target name of each source subject in the migration. */
  readonly rename: (subject: string) => string;
  /** Which versions of a subject move; default all of them. */
  readonly selects?: (subject: string, version: number) => boolean;
  readonly preserveIds: boolean;
}

/** What the target already holds for one subject: versions by canonical content, and the numbers in use. */
async function targetState(target: RegistryClient, subject: string, signal: AbortSignal) {
  const versions = await readSubject(target, subject, signal);
  return {
    byContent: new Map(versions.map((v) => [canonicalContent(v), v.version])),
    numbers: new Set(versions.map((v) => v.version)),
  };
}

/** Points references at the target's names and version numbers for subjects that are part of the migration. */
function retarget(
  references: readonly Reference[],
  request: MigrationRequest,
  versionMap: ReadonlyMap<string, number>,
): Reference[] {
  return references.map((r) =>
    request.keep(r.subject)
      ? {
          name: r.name,
          subject: request.rename(r.subject),
          version: versionMap.get(`${r.subject}@${r.version}`) ?? r.version,
        }
      : { ...r },
  );
}

async function referenceExists(target: RegistryClient, reference: Reference, signal: AbortSignal) {
  try {
    await target.call(
      'GET',
      path('subjects', reference.subject, 'versions', reference.version),
      undefined,
      signal,
    );
    return true;
  } catch (error) {
    if (error instanceof RegistryApiError && error.status === 404) return false;
    throw error;
  }
}

/**
 * Works out, without writing anything, what a migration would do for every source version: register it (with
 * its id and, when free, its version number), skip it because the target subject already holds the same content,
 * or block it because a reference it needs is missing from the target.
 */
export async function planMigration(
  request: MigrationRequest,
  signal: AbortSignal,
  progress: (done: number, total: number) => void,
): Promise<MigrationPlan> {
  const subjects = orderByReferences(await snapshot(request.source, request.keep, signal, progress));
  const steps: MigrationStep[] = [];
  const nonEmptyTargets: string[] = [];
  const outsideChecked = new Map<string, boolean>();
  for (const subject of subjects) {
    const targetSubject = request.rename(subject.subject);
    const state = await targetState(request.target, targetSubject, signal);
    let registers = false;
    for (const v of subject.versions) {
      if (request.selects && !request.selects(subject.subject, v.version)) continue;
      const step: MigrationStep = {
        source_subject: subject.subject,
        target_subject: targetSubject,
        version: v.version,
        id: v.id,
        schema_type: v.schemaType,
        action: 'register',
      };
      const existing = state.byContent.get(
        canonicalContent({ ...v, references: retarget(v.references, request, new Map()) }),
      );
      const missing: string[] = [];
      for (const r of v.references.filter((r) => !request.keep(r.subject))) {
        const key = `${r.subject}@${r.version}`;
        if (!outsideChecked.has(key))
          outsideChecked.set(key, await referenceExists(request.target, r, signal));
        if (!outsideChecked.get(key)) missing.push(key);
      }
      if (existing !== undefined) {
        Object.assign(step, {
          action: 'skip',
          target_version: existing,
          reason: `already version ${existing}`,
        });
      } else if (missing.length > 0) {
        Object.assign(step, {
          action: 'blocked',
          reason: `references ${missing.join(', ')}, which the target lacks; migrate it first`,
        });
      } else {
        registers = true;
        if (request.preserveIds && !state.numbers.has(v.version)) step.target_version = v.version;
        else
          step.reason = `registered as the next version${request.preserveIds ? ` (version ${v.version} is taken)` : ''}`;
      }
      steps.push(step);
    }
    if (registers && state.numbers.size > 0) nonEmptyTargets.push(targetSubject);
  }
  return { steps, nonEmptyTargets, subjects };
}

export interface MigrationOutcome {
  readonly steps: MigrationStep[];
  readonly failed: { subject: string; version: number; reason: string }[];
}

/**
 * Carries out a plan subject by subject, in reference order. With ids kept, each target subject is in IMPORT mode
 * while its versions are written and gets its own mode back afterwards, even when a write fails. A failed version
 * stops its subject (later versions would land out of order); other subjects go on.
 */
export async function runMigration(
  request: MigrationRequest,
  plan: MigrationPlan,
  signal: AbortSignal,
  progress: (done: number, total: number, message: string) => void,
): Promise<MigrationOutcome> {
  const failed: MigrationOutcome['failed'] = [];
  const versionMap = new Map<string, number>();
  const total = plan.steps.filter((s) => s.action === 'register').length;
  let done = 0;
  for (const step of plan.steps) {
    if (step.action === 'skip' && step.target_version !== undefined)
      versionMap.set(`${step.source_subject}@${step.version}`, step.target_version);
  }
  for (const subject of plan.subjects) {
    const steps = plan.steps.filter((s) => s.source_subject === subject.subject && s.action === 'register');
    if (steps.length === 0) continue;
    const targetSubject = request.rename(subject.subject);
    const writeAll = async () => {
      for (const step of steps) {
        const v = subject.versions.find((x) => x.version === step.version) as VersionSnapshot;
        const body = {
          schema: v.schema,
          schemaType: v.schemaType,
          references: retarget(v.references, request, versionMap),
          ...(request.preserveIds ? { id: v.id } : {}),
          ...(step.target_version !== undefined ? { version: step.target_version } : {}),
        };
        try {
          const written = await request.target.call<{ id: number }>(
            'POST',
            path('subjects', targetSubject, 'versions'),
            body,
            signal,
          );
          const found = await request.target.call<{ version: number }>(
            'POST',
            path('subjects', targetSubject),
            body,
            signal,
          );
          Object.assign(step, { id: written.id, target_version: found.version, written: true });
          versionMap.set(`${subject.subject}@${v.version}`, found.version);
        } catch (error) {
          if (signal.aborted) throw error;
          failed.push({ subject: targetSubject, version: v.version, reason: (error as Error).message });
          return;
        }
        progress(++done, total, `${targetSubject} version ${step.target_version}`);
      }
    };
    if (request.preserveIds) await withImportMode(request.target, targetSubject, signal, writeAll);
    else await writeAll();
  }
  return { steps: plan.steps, failed };
}
