/** Throws, naming a few of the differences, unless the two collections hold the same strings. */
export function assertSameSet(
  what: string,
  left: { label: string; items: Iterable<string> },
  right: { label: string; items: Iterable<string> },
): void {
  const a = new Set(left.items);
  const b = new Set(right.items);
  const onlyA = [...a].filter((x) => !b.has(x));
  const onlyB = [...b].filter((x) => !a.has(x));
  if (onlyA.length === 0 && onlyB.length === 0) return;
  const show = (items: string[]) => items.slice(0, 5).join(', ') + (items.length > 5 ? ', ...' : '');
  throw new Error(
    `${what}: ${left.label} (${a.size}) and ${right.label} (${b.size}) disagree; ` +
      `only in ${left.label}: ${onlyA.length} [${show(onlyA)}]; only in ${right.label}: ${onlyB.length} [${show(onlyB)}]`,
  );
}

/** Throws unless `actual` equals `expected`. */
export function assertCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}
