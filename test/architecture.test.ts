import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md's layers, checked on every relative import in src/: guards ← core ← servers ← surfaces. A server
 * never imports another server; the catalogue that lists them all is the one place above the servers that
 * lives beside them.
 */
const SRC = path.resolve(import.meta.dirname, '../src');

type Layer = 'guards' | 'core' | 'server' | 'surface';

interface Place {
  readonly layer: Layer;
  /** The server a file belongs to (`fs`, `registry-server`…), for the no-server-imports-another rule. */
  readonly unit: string;
}

const RANK: Record<Layer, number> = { guards: 0, core: 1, server: 2, surface: 3 };
const CATALOGUE = 'servers/catalog.ts';

function placeOf(relative: string): Place {
  const [top, second] = relative.split('/');
  if (relative === CATALOGUE) return { layer: 'surface', unit: 'catalog' };
  if (top === 'guards') return { layer: 'guards', unit: 'guards' };
  if (top === 'core') return { layer: 'core', unit: 'core' };
  if (top === 'servers') return { layer: 'server', unit: `servers/${second}` };
  if (top === 'registry-server') return { layer: 'server', unit: 'registry-server' };
  return { layer: 'surface', unit: top ?? relative };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"`]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (!specifier) continue;
    const target = path.relative(SRC, path.resolve(path.dirname(file), specifier)).replace(/\.js$/, '.ts');
    if (!target.startsWith('..')) found.push(target);
  }
  return found;
}

/** Why `from` may not import `to`, or undefined when it may. */
function violation(from: string, to: string): string | undefined {
  const a = placeOf(from);
  const b = placeOf(to);
  if (RANK[b.layer] > RANK[a.layer]) return `${a.layer} imports ${b.layer}`;
  if (a.layer === 'server' && b.layer === 'server' && a.unit !== b.unit)
    return `server ${a.unit} imports server ${b.unit}`;
  return undefined;
}

/** Every import cycle in the graph, each as the files on it (Tarjan's strongly connected components, iterative). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const edges = (graph.get(frame.node) ?? []).filter((to) => graph.has(to));
      const to = edges[frame.next++];
      if (to !== undefined) {
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1) cycles.push(component.sort());
    }
  }
  return cycles;
}

describe('architecture', () => {
  const files = sourceFiles(SRC).filter((file) => !/\.test\.tsx?$/.test(file));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('imports point down the layers only, and no server imports another', () => {
    const broken: string[] = [];
    for (const file of files) {
      const from = path.relative(SRC, file);
      for (const to of relativeImports(file)) {
        const why = violation(from, to);
        if (why) broken.push(`${from} → ${to}: ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has no import cycles, type-only imports included', () => {
    const graph = new Map(files.map((file) => [path.relative(SRC, file), relativeImports(file)]));
    expect(importCycles(graph)).toEqual([]);
    expect(
      importCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['a.ts']],
          ['c.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });

  it('places files in the layers DESIGN.md names', () => {
    expect(placeOf('guards/path.ts').layer).toBe('guards');
    expect(placeOf('core/envelope.ts').layer).toBe('core');
    expect(placeOf('servers/fs/index.ts')).toEqual({ layer: 'server', unit: 'servers/fs' });
    expect(placeOf('registry-server/registry.ts').layer).toBe('server');
    expect(placeOf('cli/main.ts').layer).toBe('surface');
    // The toolkit is a surface: a facade over core, guards and the servers' engines and clients, which no server imports.
    expect(placeOf('toolkit/index.ts').layer).toBe('surface');
    expect(violation('servers/fs/index.ts', 'toolkit/index.ts')).toBe('server imports surface');
    expect(violation('core/version.ts', 'cli/main.ts')).toBe('core imports surface');
    expect(violation('servers/git/index.ts', 'servers/fs/walk.ts')).toContain('imports server');
  });
});
