import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../lib/build.js';
import { saveCharts } from '../lib/chart.js';
import { describeMachine } from '../lib/machine.js';
import { writeSection } from '../lib/markdown.js';
import { BENCHMARKS_FILE } from '../lib/paths.js';
import { describeRevision } from '../lib/provenance.js';
import { formatMs } from '../lib/timing.js';
import { auditLines } from './audit-log.js';
import { gatewayCharts } from './chart.js';
import { ClientPool } from './load.js';
import { type GatewayResults, renderReport } from './report.js';
import { type RunningServer, startBare, startRampart } from './servers.js';
import { gatewaySettings, isStandard } from './settings.js';
import { measureSoak } from './soak.js';
import { measureThroughput } from './throughput.js';

/** One call to each server before anything is timed, so a misconfiguration fails loudly and at once. */
async function smokeTest(server: RunningServer, root: string): Promise<void> {
  const pool = new ClientPool(server, 1, root);
  try {
    const problem = await pool.callOnce();
    if (problem)
      throw new Error(`${server.label} at ${server.endpoint.href} did not answer the call: ${problem}`);
  } finally {
    pool.close();
  }
}

/**
 * `rampart serve` against the SDK v2's bare handler serving the same tool: throughput and latency under
 * concurrent load in alternating rounds, then a soak of Rampart alone. Writes the `## gateway` section of
 * BENCHMARKS.md only with the standard settings and without profiling.
 */
export async function run(_args: readonly string[]): Promise<void> {
  const settings = gatewaySettings();
  const cli = await ensureBuilt();
  const date = new Date().toISOString();
  const machine = describeMachine();
  const work = mkdtempSync(join(os.tmpdir(), 'rampart-bench-gateway-'));
  const root = join(work, 'root');
  mkdirSync(root);
  const auditLog = join(work, 'audit.jsonl');
  const memoryIntervalMs = settings.memoryIntervalMs;
  const servers: RunningServer[] = [];
  try {
    const configFile = join(work, 'rampart.yaml');
    const rampart = await startRampart(
      cli,
      { auditLog, configFile },
      {
        root,
        memoryFile: join(work, 'memory-rampart.jsonl'),
        memoryIntervalMs,
      },
    );
    servers.push(rampart);
    const bare = await startBare({ root, memoryFile: join(work, 'memory-bare.jsonl'), memoryIntervalMs });
    servers.push(bare);
    for (const server of servers) await smokeTest(server, root);

    console.error(
      `throughput: ${settings.rounds} rounds × ${settings.roundSeconds} s per server, ${settings.concurrency} clients ...`,
    );
    const [rampartThroughput, bareThroughput] = await measureThroughput(
      [rampart, bare],
      root,
      settings,
      (round, server, r) =>
        console.error(
          `  round ${round} ${server.label}: ${r.callsPerSecond.toFixed(0)} calls/s, p50 ${formatMs(r.p50)}, ` +
            `p99 ${formatMs(r.p99)}, server CPU ${r.serverCpu === undefined ? 'n/a' : `${(r.serverCpu * 100).toFixed(0)}%`}`,
        ),
    );
    if (!rampartThroughput || !bareThroughput) throw new Error('the throughput rounds returned no results');

    console.error(`soak: ${settings.soakSeconds} s, ${settings.soakClients} clients, Rampart ...`);
    const soak = await measureSoak(rampart, root, auditLog, settings);
    const loadAtEnd = os.loadavg()[0] ?? 0;

    // A clean stop closes the audit log after its pending writes, so every record is on disk before counting.
    await rampart.stop();
    const audit = { lines: auditLines(auditLog), answered: rampart.answered };

    const results: GatewayResults = {
      date,
      machine,
      revision: describeRevision(),
      loadAtEnd,
      settings,
      rampart: rampartThroughput,
      bare: bareThroughput,
      soak,
      audit,
    };
    const charts = gatewayCharts(results);
    const report = renderReport(results, charts);
    console.log(`## gateway\n\n${report}\n`);
    const recorded = isStandard(settings) && !process.env.BENCH_GATEWAY_PROFILE;
    const chartDir = saveCharts(charts, recorded);
    if (!recorded) {
      console.error(
        `non-standard settings or BENCH_GATEWAY_PROFILE: BENCHMARKS.md left unchanged, charts in ${chartDir}`,
      );
      return;
    }
    writeSection(BENCHMARKS_FILE, 'gateway', report);
    console.error(`wrote the gateway section of ${BENCHMARKS_FILE}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}
