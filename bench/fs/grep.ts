import type { CallToolResult } from '@modelcontextprotocol/client';
import { runCommand } from '../lib/command.js';
import { openSession } from '../lib/mcp.js';
import { sample } from '../lib/timing.js';
import { assertCount, assertSameSet } from '../lib/verify.js';
import { type Outcome, timedOutcome } from './outcome.js';
import type { FsServers } from './servers.js';
import { NEEDLE, type TreeInfo } from './tree.js';

export interface GrepResult {
  readonly matches: number;
  readonly rampart: Outcome;
  readonly reference: Outcome;
  readonly grep: Outcome;
}

export interface GrepPlan {
  readonly rampartRuns: number;
  readonly grepRuns: number;
  readonly timeoutMs: number;
}

/** `path:line` of each match in Rampart's structured result. */
function rampartHits(result: CallToolResult): string[] {
  const structured = result.structuredContent as { matches?: unknown; truncated?: unknown } | undefined;
  const matches = structured?.matches;
  if (!Array.isArray(matches)) throw new Error('Rampart grep returned no structuredContent.matches');
  if (structured?.truncated !== false) throw new Error('Rampart grep says it was truncated');
  return matches.map((m: { path?: unknown; line?: unknown }) => {
    if (typeof m.path !== 'string' || typeof m.line !== 'number') throw new Error('malformed grep match');
    return `${m.path}:${m.line}`;
  });
}

/** `path:line` of each line of `grep -rn` output (`path:line:text`). */
function grepHits(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const hit = /^(.*?):(\d+):/.exec(line);
      if (!hit) throw new Error(`unexpected grep output line: ${line}`);
      return `${hit[1]}:${hit[2]}`;
    });
}

/**
 * Rampart's `grep` for the planted literal against `grep -rn --fixed-strings` on the same tree; both must
 * report exactly the planted lines. The reference server has no content search.
 */
export async function measureGrep(servers: FsServers, tree: TreeInfo, plan: GrepPlan): Promise<GrepResult> {
  const expected = tree.needleLines;
  const session = await openSession(servers.rampart);
  const rampart = await sample(
    plan.rampartRuns,
    async () =>
      rampartHits(
        await session.call(
          'grep',
          { pattern: NEEDLE, path: tree.root, literal: true, maxResults: 100_000 },
          plan.timeoutMs,
        ),
      ),
    (hits) => assertCount('Rampart grep matches', hits.length, expected),
  ).finally(() => session.close());

  const grep = await sample(
    plan.grepRuns,
    async () =>
      grepHits(
        (
          await runCommand('grep', ['-rn', '--fixed-strings', NEEDLE, tree.root], {
            okCodes: [0, 1],
            timeoutMs: plan.timeoutMs,
          })
        ).stdout,
      ),
    (hits) => assertCount('grep -r matches', hits.length, expected),
  );

  assertSameSet('grep', { label: 'Rampart', items: rampart.value }, { label: 'grep -r', items: grep.value });
  return {
    matches: expected,
    rampart: timedOutcome(rampart.timing),
    reference: { kind: 'n/a', reason: 'no content-search tool' },
    grep: timedOutcome(grep.timing),
  };
}
