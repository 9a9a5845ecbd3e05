import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFs, type Session } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

/** Every file below holds NEEDLE; the name says whether git would ignore it. */
const NEEDLE = 'needle-7f3a';
const KEPT = [
  'hello.txt',
  'src/app.ts',
  'src/keep.log',
  'src/generated/important.gen.ts',
  'docs/guide.md',
  'dist-notes.md',
];
const IGNORED = [
  'dist/bundle.js',
  'dist/nested/deep.js',
  'dist/node_modules/x.js',
  'node_modules/pkg/index.js',
  'src/node_modules/inner/index.js',
  '.git/config-copy.txt',
  'src/debug.log',
  'src/generated/other.gen.ts',
  'local/secret-notes.txt',
  'docs/draft.tmp',
];

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

function paths(result: { structured: Record<string, unknown> | undefined }, root: string): string[] {
  const matches = (result.structured?.matches ?? []) as (string | { path: string })[];
  return [...new Set(matches.map((m) => path.relative(root, typeof m === 'string' ? m : m.path)))].sort();
}

function treeNames(nodes: { name: string; children?: unknown[] }[], prefix = ''): string[] {
  return nodes.flatMap((node) => [
    `${prefix}${node.name}`,
    ...treeNames((node.children ?? []) as typeof nodes, `${prefix}${node.name}/`),
  ]);
}

describe('fs walks and .gitignore, through a real MCP client', () => {
  let layout: Layout;
  let fs: Session;

  beforeAll(async () => {
    layout = makeLayout();
    const { root } = layout;
    writeFileSync(path.join(root, 'hello.txt'), `${NEEDLE}\n`);
    for (const file of [...KEPT, ...IGNORED]) write(root, file, `${NEEDLE} in ${file}\n`);
    // Root rules: a directory pattern, a glob with a negation below it, and a nested file with its own rules.
    write(root, '.gitignore', 'dist/\n*.gen.ts\n!important.gen.ts\n');
    write(root, 'src/.gitignore', '*.log\n!keep.log\n');
    write(root, 'docs/.gitignore', '*.tmp\n');
    write(root, '.git/info/exclude', 'local/\n');
    // A .gitignore above the root (in the test's temp dir) must never be read.
    writeFileSync(path.join(layout.base, '.gitignore'), '*\n');
    fs = await connectFs({ roots: [root] });
  });

  afterAll(async () => {
    await fs?.close();
    layout?.cleanup();
  });

  it('grep skips git-ignored files (root, nested, negated, info/exclude), node_modules and .git', async () => {
    for (const literal of [true, false]) {
      const result = await fs.call('grep', { pattern: NEEDLE, literal });
      expect(result.isError, result.text).toBe(false);
      expect(paths(result, layout.root)).toEqual([...KEPT].sort());
      expect(result.structured?.filesSearched).toBe(KEPT.length + 3);
    }
  });

  it('grep with includeIgnored searches everything, as before', async () => {
    const result = await fs.call('grep', { pattern: NEEDLE, literal: true, includeIgnored: true });
    expect(paths(result, layout.root)).toEqual([...KEPT, ...IGNORED].sort());
  });

  it('grep searches an ignored directory that is asked for by path, still skipping node_modules below it', async () => {
    const result = await fs.call('grep', { pattern: NEEDLE, literal: true, path: 'dist' });
    expect(paths(result, layout.root)).toEqual(['dist/bundle.js', 'dist/nested/deep.js']);
    const file = await fs.call('grep', { pattern: NEEDLE, literal: true, path: 'src/debug.log' });
    expect(paths(file, layout.root)).toEqual(['src/debug.log']);
  });

  it('grep from a subdirectory applies the .gitignore files above it, up to the root', async () => {
    const result = await fs.call('grep', { pattern: NEEDLE, literal: true, path: 'src' });
    expect(paths(result, layout.root)).toEqual([
      'src/app.ts',
      'src/generated/important.gen.ts',
      'src/keep.log',
    ]);
  });

  it('search_files keeps the reference default and skips ignored paths with respectGitignore', async () => {
    const all = await fs.call('search_files', { path: '.', pattern: '**/*.js' });
    expect(paths(all, layout.root)).toEqual(IGNORED.filter((f) => f.endsWith('.js')).sort());
    const respected = await fs.call('search_files', { path: '.', pattern: '**/*', respectGitignore: true });
    const found = paths(respected, layout.root);
    for (const file of KEPT) expect(found).toContain(file);
    for (const file of IGNORED) expect(found).not.toContain(file);
    expect(found).not.toContain('node_modules');
    expect(found).not.toContain('.git');
  });

  it('directory_tree keeps the reference default and skips ignored entries with respectGitignore', async () => {
    const all = await fs.call('directory_tree', { path: '.' });
    const everything = treeNames(all.structured?.tree as { name: string }[]);
    expect(everything).toContain('node_modules/pkg/index.js');
    expect(everything).toContain('dist/bundle.js');
    const respected = await fs.call('directory_tree', { path: '.', respectGitignore: true });
    const names = treeNames(respected.structured?.tree as { name: string }[]);
    expect(names).toEqual(expect.arrayContaining([...KEPT, 'src/generated', '.gitignore']));
    for (const name of ['dist', 'node_modules', '.git', 'local', 'src/debug.log', 'src/node_modules'])
      expect(names).not.toContain(name);
  });

  it('does not read a .gitignore above the allowed roots', async () => {
    // With src as the only root, the project's own .gitignore (*.gen.ts) lies outside and must not be read;
    // base/.gitignore says "*" and, were it read, nothing would be searched.
    const src = path.join(layout.root, 'src');
    const narrow = await connectFs({ roots: [src] });
    try {
      const result = await narrow.call('grep', { pattern: NEEDLE, literal: true });
      expect(paths(result, src)).toEqual([
        'app.ts',
        'generated/important.gen.ts',
        'generated/other.gen.ts',
        'keep.log',
      ]);
    } finally {
      await narrow.close();
    }
  });

  it('does not follow a .gitignore that is a link to a file outside the roots', async () => {
    const project = path.join(layout.root, 'linked');
    write(layout.root, 'linked/visible.txt', `${NEEDLE}\n`);
    writeFileSync(path.join(layout.outside, 'ignore-everything'), '*\n');
    symlinkSync(path.join(layout.outside, 'ignore-everything'), path.join(project, '.gitignore'));
    const result = await fs.call('grep', { pattern: NEEDLE, literal: true, path: 'linked' });
    expect(paths(result, layout.root)).toEqual(['linked/visible.txt']);
  });
});
