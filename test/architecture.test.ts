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

  it('places files in the layers DESIGN.md names', () => {
    expect(placeOf('guards/path.ts').layer).toBe('guards');
    expect(placeOf('core/envelope.ts').layer).toBe('core');
    expect(placeOf('servers/fs/index.ts')).toEqual({ layer: 'server', unit: 'servers/fs' });
    expect(placeOf('registry-server/registry.ts').layer).toBe('server');
    expect(placeOf('cli/main.ts').layer).toBe('surface');
    expect(violation('core/version.ts', 'cli/main.ts')).toBe('core imports surface');
    expect(violation('servers/git/index.ts', 'servers/fs/walk.ts')).toContain('imports server');
  });
});
