/**
 * The iteration order of a java.util.HashSet built the way Confluent's diff builds its name sets. The expected
 * change lists (Confluent's own test vectors) follow it, so the order of reported changes depends on it.
 */
function javaHash(key: string | number): number {
  if (typeof key === 'number') return key | 0;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return h;
}

class JavaHashSet<K extends string | number> {
  private buckets: K[][];
  private size = 0;

  constructor(private capacity = 16) {
    this.buckets = Array.from({ length: capacity }, () => []);
  }

  private index(key: K, capacity: number): number {
    const h = javaHash(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  }

  add(key: K): void {
    const bucket = this.buckets[this.index(key, this.capacity)] as K[];
    if (bucket.includes(key)) return;
    bucket.push(key);
    this.size++;
    if (this.size > this.capacity * 0.75) {
      const order = this.keys();
      this.capacity *= 2;
      this.buckets = Array.from({ length: this.capacity }, () => []);
      for (const k of order) (this.buckets[this.index(k, this.capacity)] as K[]).push(k);
    }
  }

  keys(): K[] {
    return this.buckets.flat();
  }
}

/** The union of two key lists (each in declaration order) in the order Java iterates it. */
export function javaUnionOrder<K extends string | number>(original: readonly K[], update: readonly K[]): K[] {
  const first = new JavaHashSet<K>();
  for (const k of original) first.add(k);
  const second = new JavaHashSet<K>();
  for (const k of update) second.add(k);
  const distinct = new Set(original).size;
  let capacity = 16;
  while (capacity < Math.max(Math.floor(distinct / 0.75) + 1, 16)) capacity *= 2;
  const union = new JavaHashSet<K>(capacity);
  for (const k of first.keys()) union.add(k);
  for (const k of second.keys()) union.add(k);
  return union.keys();
}

/** The iteration order of a default java.util.HashMap filled with `keys` in order. */
export function javaMapOrder<K extends string | number>(keys: readonly K[]): K[] {
  const map = new JavaHashSet<K>();
  for (const k of keys) map.add(k);
  return map.keys();
}
