import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './command.js';
import { REPO_ROOT } from './paths.js';

const CLI = join(REPO_ROOT, 'dist/cli/main.js');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure dist/ holds a compiled CLI, running `npm run build` when it is missing. A dist/ older than src/ is
 * used as is (src/ may be mid-edit), with a warning, since the numbers then describe the last build.
 */
export async function ensureBuilt(): Promise<string> {
  if (!existsSync(CLI)) {
    console.error('dist/ is missing: running npm run build');
    await runCommand('npm', ['run', 'build'], { timeoutMs: 300_000 });
    if (!existsSync(CLI)) throw new Error(`npm run build did not produce ${CLI}`);
  } else if (newestSourceMtime(join(REPO_ROOT, 'src')) > statSync(CLI).mtimeMs) {
    console.error(
      'warning: src/ has files newer than dist/ (run npm run build if they changed); measuring dist/ as built',
    );
  }
  return CLI;
}
