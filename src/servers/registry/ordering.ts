interface WithReferences {
  readonly subject: string;
  readonly versions: readonly { readonly references: readonly { readonly subject: string }[] }[];
}

/**
 * Subjects whose versions reference others come after those others, so every reference exists when it is
 * registered (and, reversed, nothing is deleted while something still refers to it). Cycles keep their order.
 */
export function orderByReferences<T extends WithReferences>(subjects: readonly T[]): T[] {
  const remaining = [...subjects];
  const placed = new Set<string>();
  const ordered: T[] = [];
  while (remaining.length > 0) {
    const index = remaining.findIndex((s) =>
      s.versions.every((v) =>
        v.references.every((r) => placed.has(r.subject) || !remaining.some((o) => o.subject === r.subject)),
      ),
    );
    const next = remaining.splice(index === -1 ? 0 : index, 1)[0] as T;
    ordered.push(next);
    placed.add(next.subject);
  }
  return ordered;
}
