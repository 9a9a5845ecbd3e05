import { z } from 'zod';
import type { Document } from './store/types.js';

/**
 * Leases on named resources or path globs (`path:src/**`), exclusive or shared, each with an expiry. Pure:
 * the store runs these inside one atomic transaction.
 */
const leaseSchema = z.object({
  resource: z.string(),
  mode: z.enum(['exclusive', 'shared']),
  holder: z.string(),
  session: z.string(),
  machine: z.string(),
  expiresAt: z.number(),
});
export type ResourceLease = z.output<typeof leaseSchema>;
type Leases = { leases: ResourceLease[] };

export const LEASES: Document<Leases> = {
  name: 'leases',
  schema: z.object({ leases: z.array(leaseSchema) }),
  empty: { leases: [] },
};

const PATH = 'path:';
const WILDCARD = /[*?[{]/;

/**
 * The directory a path glob cannot leave: its whole segments before the first wildcard (`src/api/**` →
 * `src/api`, `src/a*.ts` → `src`, `*.md` → ''). A path without wildcards is its own.
 */
function fixedPart(resource: string): { prefix: string; glob: boolean } {
  const body = resource.slice(PATH.length).replace(/\/+$/, '');
  const at = body.search(WILDCARD);
  if (at < 0) return { prefix: body, glob: false };
  const slash = body.lastIndexOf('/', at);
  return { prefix: slash < 0 ? '' : body.slice(0, slash), glob: true };
}

/** Whether `path` is `dir` or lies below it, by whole segments ('' contains everything). */
function within(dir: string, path: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/**
 * Whether two resources may name the same thing. Plain names overlap when equal; path globs are compared
 * by the directory before their first wildcard, which can only over-report (a lease refused that could have
 * been granted), never miss a real overlap.
 */
export function overlaps(a: string, b: string): boolean {
  const aPath = a.startsWith(PATH);
  const bPath = b.startsWith(PATH);
  if (!aPath || !bPath) return a === b;
  const x = fixedPart(a);
  const y = fixedPart(b);
  if (!x.glob && !y.glob) return x.prefix === y.prefix;
  if (x.glob && y.glob) return within(x.prefix, y.prefix) || within(y.prefix, x.prefix);
  const [glob, literal] = x.glob ? [x, y] : [y, x];
  return within(glob.prefix, literal.prefix);
}

export interface LeaseRequest {
  readonly resource: string;
  readonly mode: 'exclusive' | 'shared';
  readonly holder: string;
  readonly session: string;
  readonly machine: string;
  readonly ttlMs: number;
}

export type Acquired = { ok: true; lease: ResourceLease } | { ok: false; conflicts: ResourceLease[] };

const liveAt = (now: number) => (lease: ResourceLease) => lease.expiresAt > now;

export function acquire(
  current: Leases,
  request: LeaseRequest,
  now: number,
): { next: Leases; result: Acquired } {
  const live = current.leases.filter(liveAt(now));
  const others = live.filter((l) => !(l.holder === request.holder && l.resource === request.resource));
  const conflicts = others.filter(
    (l) => overlaps(l.resource, request.resource) && (l.mode === 'exclusive' || request.mode === 'exclusive'),
  );
  if (conflicts.length > 0) return { next: { leases: live }, result: { ok: false, conflicts } };
  const lease: ResourceLease = {
    resource: request.resource,
    mode: request.mode,
    holder: request.holder,
    session: request.session,
    machine: request.machine,
    expiresAt: now + request.ttlMs,
  };
  return { next: { leases: [...others, lease] }, result: { ok: true, lease } };
}

export function renew(
  current: Leases,
  resource: string,
  holder: string,
  ttlMs: number,
  now: number,
): { next: Leases; result: ResourceLease | undefined } {
  const live = current.leases.filter(liveAt(now));
  const mine = live.find((l) => l.resource === resource && l.holder === holder);
  if (!mine) return { next: { leases: live }, result: undefined };
  const renewed = { ...mine, expiresAt: now + ttlMs };
  return { next: { leases: live.map((l) => (l === mine ? renewed : l)) }, result: renewed };
}

export function release(
  current: Leases,
  resource: string,
  holder: string,
  now: number,
): { next: Leases; result: boolean } {
  const live = current.leases.filter(liveAt(now));
  const kept = live.filter((l) => !(l.resource === resource && l.holder === holder));
  return { next: { leases: kept }, result: kept.length < live.length };
}

export function liveLeases(current: Leases, now: number): ResourceLease[] {
  return current.leases.filter(liveAt(now)).sort((a, b) => a.resource.localeCompare(b.resource));
}
