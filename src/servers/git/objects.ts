import { Refusal } from '../../core/errors.js';
import { checkRevision, isObjectId } from '../../guards/git.js';
import type { GitRepository, GitRunner } from './runner.js';

export interface GitObject {
  readonly id: string;
  readonly type: 'commit' | 'tree' | 'blob' | 'tag';
  readonly size: number;
}

/**
 * Looks object names up through `cat-file --batch-check` on stdin, one per line, so a name is never a
 * command-line argument; `undefined` for a name that does not resolve (or is ambiguous).
 */
export async function lookUp(
  runner: GitRunner,
  repo: GitRepository,
  names: readonly string[],
  signal: AbortSignal,
): Promise<(GitObject | undefined)[]> {
  for (const name of names) {
    if (/[\n\r\0]/.test(name)) throw new Refusal('an object name contains a line break');
  }
  const { stdout } = await runner.run(
    repo,
    ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'],
    { signal, stdin: `${names.join('\n')}\n` },
  );
  const lines = stdout.toString('utf8').split('\n');
  return names.map((_, i) => {
    const [id, type, size] = (lines[i] ?? '').split(' ');
    if (!id || !isObjectId(id) || !type || size === undefined) return undefined;
    return { id, type: type as GitObject['type'], size: Number(size) };
  });
}

export interface RevisionRequest {
  readonly revision: string;
  readonly label: string;
}

/** Full commit ids for checked revisions, in one git process; refuses the first that names no commit. */
export async function resolveCommits(
  runner: GitRunner,
  repo: GitRepository,
  requests: readonly RevisionRequest[],
  signal: AbortSignal,
): Promise<string[]> {
  for (const { revision, label } of requests) checkRevision(revision, label);
  if (requests.length === 0) return [];
  const found = await lookUp(
    runner,
    repo,
    requests.map((r) => `${r.revision}^{commit}`),
    signal,
  );
  return requests.map(({ revision, label }, i) => {
    const object = found[i];
    if (!object) throw new Refusal(`${label} "${revision}" does not name a commit in ${repo.root}`);
    return object.id;
  });
}

export async function resolveCommit(
  runner: GitRunner,
  repo: GitRepository,
  revision: string,
  label: string,
  signal: AbortSignal,
): Promise<string> {
  const [id] = await resolveCommits(runner, repo, [{ revision, label }], signal);
  return id as string;
}

/** The object at `path` in a commit (an empty path is the commit's root tree). */
export async function entryAt(
  runner: GitRunner,
  repo: GitRepository,
  commit: string,
  path: string,
  signal: AbortSignal,
): Promise<GitObject | undefined> {
  const [object] = await lookUp(
    runner,
    repo,
    [path === '' ? `${commit}^{tree}` : `${commit}:${path}`],
    signal,
  );
  return object;
}
