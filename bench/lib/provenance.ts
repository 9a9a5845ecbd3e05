import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

function git(args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/** Which code was measured: the commit, and whether src/ differed from it (read-only git queries). */
export function describeRevision(): string {
  const commit = git(['rev-parse', '--short', 'HEAD']);
  if (!commit) return 'unknown revision';
  const dirty = git(['status', '--porcelain', '--', 'src']);
  return dirty ? `${commit} with uncommitted changes in src/` : commit;
}
