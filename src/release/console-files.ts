import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ConsoleFile {
  /** Path inside the release, `/`-separated: console/index.html, console/assets/… */
  readonly path: string;
  readonly data: Buffer;
  readonly mode: number;
}

/**
 * The web console for the release, built now by Vite from this checkout's console/ sources (with its own
 * config: nothing inlined, no source maps) into a scratch folder, never copied from dist/console, which may be
 * missing, stale or another branch's. The files go to console/ beside rampart.js, where the bundled gateway
 * looks for them.
 */
export async function consoleFiles(repo: string): Promise<ConsoleFile[]> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(
      'rampart release needs vite (a devDependency) to build the console: run it from a clone after npm ci',
    );
  }
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'rampart-release-console-'));
  try {
    await vite.build({
      configFile: path.join(repo, 'console', 'vite.config.ts'),
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
    const files: ConsoleFile[] = [];
    for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.map')) continue;
      const full = path.join(entry.parentPath, entry.name);
      files.push({
        path: `console/${path.relative(outDir, full).split(path.sep).join('/')}`,
        data: readFileSync(full),
        mode: 0o644,
      });
    }
    if (!files.some((file) => file.path === 'console/index.html'))
      throw new Error(`the console build in ${outDir} made no index.html`);
    return files.sort((a, b) => a.path.localeCompare(b.path));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
