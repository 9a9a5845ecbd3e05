import type { CallToolResult } from '@modelcontextprotocol/client';
import { runCommand } from '../lib/command.js';
import { isTimeout, openSession, type Session, textOf } from '../lib/mcp.js';
import { sample } from '../lib/timing.js';
import { assertCount, assertSameSet } from '../lib/verify.js';
import { type Outcome, timedOutcome } from './outcome.js';
import type { FsServers } from './servers.js';
import { SPEC_GLOB, SPEC_NAME, type TreeInfo } from './tree.js';

export interface SearchResult {
  readonly matches: number;
  readonly rampart: Outcome;
  readonly reference: Outcome;
  readonly find: Outcome;
}

export interface SearchPlan {
  readonly rampartRuns: number;
  readonly referenceRuns: number;
  readonly findRuns: number;
  /** Client request timeout for each call, and the cap for each `find`. */
  readonly timeoutMs: number;
}

function lines(text: string): string[] {
  return text === '' || text === 'No matches found' ? [] : text.split('\n');
}

/** Rampart returns the sorted full paths both as text and as `structuredContent.matches`; they must agree. */
function rampartPaths(result: CallToolResult): string[] {
  const structured = result.structuredContent as { matches?: unknown; truncated?: unknown } | undefined;
  const matches = structured?.matches;
  if (!Array.isArray(matches) || !matches.every((m) => typeof m === 'string')) {
    throw new Error('Rampart search_files returned no structuredContent.matches');
  }
  if (structured?.truncated !== false) throw new Error('Rampart search_files says it was truncated');
  assertSameSet(
    'Rampart search_files text vs structuredContent',
    { label: 'text', items: lines(textOf(result)) },
    { label: 'structured', items: matches },
  );
  return matches;
}

async function searchWith(
  session: Session,
  args: Record<string, unknown>,
  runs: number,
  timeoutMs: number,
  paths: (result: CallToolResult) => string[],
  expected: number,
  label: string,
): Promise<{ outcome: Outcome; paths: string[] }> {
  try {
    const { timing, value } = await sample(
      runs,
      async () => paths(await session.call('search_files', args, timeoutMs)),
      (found) => assertCount(`${label} search_files matches`, found.length, expected),
    );
    return { outcome: timedOutcome(timing), paths: value };
  } catch (error) {
    if (isTimeout(error)) return { outcome: { kind: 'timeout', limitMs: timeoutMs }, paths: [] };
    throw error;
  }
}

/**
 * `search_files` for the spec-file glob on both servers, and `find -name` on the same tree. Every run of each
 * must find exactly the generated spec files, and all three must agree on the set of paths.
 */
export async function measureSearch(
  servers: FsServers,
  tree: TreeInfo,
  plan: SearchPlan,
): Promise<SearchResult> {
  const args = { path: tree.root, pattern: SPEC_GLOB };
  const expected = tree.specFiles;

  const rampartSession = await openSession(servers.rampart);
  const rampart = await searchWith(
    rampartSession,
    args,
    plan.rampartRuns,
    plan.timeoutMs,
    rampartPaths,
    expected,
    'Rampart',
  ).finally(() => rampartSession.close());

  console.error('  search_files on the reference server (slow) ...');
  const referenceSession = await openSession(servers.reference);
  const reference = await searchWith(
    referenceSession,
    args,
    plan.referenceRuns,
    plan.timeoutMs,
    (result) => lines(textOf(result)),
    expected,
    'reference',
  ).finally(() => referenceSession.close());

  const find = await sample(
    plan.findRuns,
    async () =>
      lines(
        (
          await runCommand('find', [tree.root, '-name', SPEC_NAME], { timeoutMs: plan.timeoutMs })
        ).stdout.trimEnd(),
      ),
    (found) => assertCount('find matches', found.length, expected),
  );

  if (rampart.outcome.kind === 'timed') {
    assertSameSet(
      'search_files',
      { label: 'Rampart', items: rampart.paths },
      { label: 'find', items: find.value },
    );
  }
  if (rampart.outcome.kind === 'timed' && reference.outcome.kind === 'timed') {
    assertSameSet(
      'search_files',
      { label: 'Rampart', items: rampart.paths },
      { label: 'reference', items: reference.paths },
    );
  }
  return {
    matches: expected,
    rampart: rampart.outcome,
    reference: reference.outcome,
    find: timedOutcome(find.timing),
  };
}
