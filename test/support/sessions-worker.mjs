// One process hammering a session store, for the concurrency tests: node sessions-worker.mjs <json job>.
// It loads the compiled stores from dist/, prints one JSON line with what it did, and exits.
import { FileStore } from '../../dist/servers/sessions/store/file-store.js';
import { RedisStore } from '../../dist/servers/sessions/store/redis-store.js';

const job = JSON.parse(process.argv[2]);
const store =
  job.store.kind === 'file'
    ? await FileStore.open(job.store.directory, job.namespace)
    : await RedisStore.open(job.store.redis, job.namespace);

// Start together: wait until the agreed moment, so the processes really overlap.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.startAt - Date.now())));

const result = { done: 0, casRetries: 0 };
if (job.op === 'increment') {
  for (let i = 0; i < job.count; i++) {
    await store.increment('counters', 'shared', 1);
    result.done++;
  }
} else if (job.op === 'cas') {
  for (let i = 0; i < job.count; i++) {
    for (;;) {
      const current = await store.get('counters', 'cas');
      const value = typeof current?.value === 'number' ? current.value : 0;
      const swap = await store.compareAndSet('counters', 'cas', current?.version ?? 0, value + 1);
      if (swap.ok) break;
      result.casRetries++;
    }
    result.done++;
  }
} else if (job.op === 'claim') {
  const claim = await store.claimSlot({
    holder: job.holder,
    machine: job.machine,
    maxSlots: job.maxSlots,
    ttlMs: 60_000,
  });
  result.slot = claim.ok ? claim.lease.slot : null;
} else if (job.op === 'lease') {
  const { acquire, LEASES } = await import('../../dist/servers/sessions/leases.js');
  const result2 = await store.transact(LEASES, (current, now) =>
    acquire(
      current,
      {
        resource: job.resource,
        mode: 'exclusive',
        holder: job.holder,
        session: job.holder,
        machine: 'm',
        ttlMs: 60_000,
      },
      now,
    ),
  );
  result.acquired = result2.ok;
} else if (job.op === 'write-forever') {
  // Rewrites one scope as fast as it can until killed; every value it writes is a whole record.
  for (let i = 1; ; i++) await store.set('crash', 'record', { i, payload: 'x'.repeat(2048) });
}
console.log(JSON.stringify(result));
await store.close();
