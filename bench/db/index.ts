import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { ensureBuilt } from '../lib/build.js';
import { saveCharts } from '../lib/chart.js';
import { describeMachine } from '../lib/machine.js';
import { writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { checkAgreement } from './agreement.js';
import { dbChart } from './chart.js';
import { contenders } from './contenders.js';
import { measureWorkload, type WorkloadStats } from './measure.js';
import { type DbResults, renderReport } from './report.js';
import { dbSettings, isStandard } from './settings.js';
import { createFixture, dropFixture } from './setup.js';
import { BULK_ROWS, type WorkloadKey, workloads } from './workloads.js';

/**
 * Rampart's `db` server against the archived `@modelcontextprotocol/server-postgres` and the raw `pg` driver:
 * a 1,000-row SELECT and a point query on a generated table. Writes the `## db` section of BENCHMARKS.md only
 * with the standard settings and without profiling.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const settings = dbSettings();
  if (settings.profileDir) mkdirSync(settings.profileDir, { recursive: true });
  const cli = await ensureBuilt();
  const date = new Date().toISOString();
  const machine = describeMachine();
  // Read before the run, close to the build: src/ edited during a long run would be misreported.
  const revision = describeRevision();
  console.error(`creating ${settings.tableRows} rows in rampart_bench.t ...`);
  const fixture = await createFixture(settings.url, settings.tableRows);
  try {
    const specs = contenders(cli, settings.url, {
      maxRows: BULK_ROWS,
      poolSize: settings.concurrency,
      profileDir: settings.profileDir,
    });
    const list = workloads(fixture.rows);
    console.error('checking that all contenders agree ...');
    const sizes = await checkAgreement(specs, list);
    const stats: Partial<Record<WorkloadKey, WorkloadStats>> = {};
    for (const workload of list) {
      console.error(`${workload.title} ...`);
      stats[workload.key] = await measureWorkload(specs, workload, settings);
    }
    const { bulk, point } = stats;
    if (!bulk || !point) throw new Error('a workload returned no results');
    const results: DbResults = {
      date,
      machine,
      revision,
      loadAtEnd: os.loadavg()[0] ?? 0,
      settings,
      fixture,
      workloads: list,
      stats: { bulk, point },
      sizes,
    };
    const charts = [dbChart(results)];
    const report = renderReport(results, charts);
    console.log(`## db\n\n${report}\n`);
    const chartDir = saveCharts(charts, isStandard(settings));
    if (!isStandard(settings)) {
      console.error(
        `non-standard settings or BENCH_DB_PROFILE: BENCHMARKS.md left unchanged, charts in ${chartDir}`,
      );
      return;
    }
    writeSection(BENCHMARKS_FILE, 'db', report);
    console.error(`wrote the db section of ${BENCHMARKS_FILE}`);
  } finally {
    await dropFixture(settings.url);
  }
}
