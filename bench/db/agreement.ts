import { Prng } from '../lib/prng.js';
import type { ContenderKind, ContenderSpec, Reply } from './contenders.js';
import { canonicalRows, ReplyChecker, type ReplySize, sizeOf } from './replies.js';
import type { Workload, WorkloadKey } from './workloads.js';

export type Sizes = Readonly<Record<WorkloadKey, Partial<Record<ContenderKind, ReplySize>>>>;

/**
 * Before anything is timed: one call of each workload to each contender, checked, and the rows compared value
 * for value across all of them, so that all of them provably answer the same thing. Returns the size of each
 * server's tool result.
 */
export async function checkAgreement(
  specs: readonly ContenderSpec[],
  list: readonly Workload[],
): Promise<Sizes> {
  const sizes: Record<WorkloadKey, Partial<Record<ContenderKind, ReplySize>>> = { bulk: {}, point: {} };
  const canonical = new Map<WorkloadKey, { label: string; rows: string }>();
  for (const spec of specs) {
    const contender = await spec.open();
    try {
      const checker = new ReplyChecker();
      for (const workload of list) {
        const call = workload.next(new Prng(1));
        const reply: Reply = await contender.send(call.sql, workload.maxRows);
        checker.check(call.sql, reply, call.expected);
        if (reply.kind !== 'pg') sizes[workload.key][spec.kind] = sizeOf(reply.result);
        const rows = canonicalRows(reply);
        const first = canonical.get(workload.key);
        if (!first) canonical.set(workload.key, { label: spec.label, rows });
        else if (first.rows !== rows)
          throw new Error(`${workload.title}: ${spec.label} and ${first.label} return different values`);
      }
    } finally {
      await contender.close();
    }
  }
  return sizes;
}
