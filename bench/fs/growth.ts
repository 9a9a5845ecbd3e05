import type { GrepResult } from './grep.js';
import { measureGrep } from './grep.js';
import { measureSearch, type SearchResult } from './search.js';
import { fsServers } from './servers.js';
import { ensureTree, type TreeInfo } from './tree.js';

/** Search and grep on one tree size, each against its command (and search against the reference server). */
export interface GrowthPoint {
  readonly files: number;
  readonly search: SearchResult;
  readonly grep: GrepResult;
}

export interface GrowthPlan {
  /** Tree sizes measured here; the full-size tree's numbers come from the main run. */
  readonly sizes: readonly number[];
  readonly runs: number;
  readonly timeoutMs: number;
}

/**
 * How search_files and grep time grow with the tree, on the same generator at smaller sizes: a walk that is
 * linear in the entries shows a straight line on log–log axes, and a cost per call (start-up of the walk, the
 * MCP round trip) shows as a flat start.
 */
export async function measureGrowth(
  cli: string,
  plan: GrowthPlan,
  full: GrowthPoint,
): Promise<GrowthPoint[]> {
  const points: GrowthPoint[] = [];
  for (const files of plan.sizes) {
    const tree: TreeInfo = ensureTree(files);
    const servers = fsServers(cli, tree.root);
    console.error(`  ${files.toLocaleString('en-US')} files ...`);
    const search = await measureSearch(servers, tree, {
      rampartRuns: plan.runs,
      referenceRuns: plan.runs,
      findRuns: plan.runs,
      timeoutMs: plan.timeoutMs,
    });
    const grep = await measureGrep(servers, tree, {
      rampartRuns: plan.runs,
      grepRuns: plan.runs,
      timeoutMs: plan.timeoutMs,
    });
    points.push({ files, search, grep });
  }
  return [...points, full].sort((a, b) => a.files - b.files);
}
