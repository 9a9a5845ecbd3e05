import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trackChild } from '../lib/children.js';
import { REPO_ROOT } from '../lib/paths.js';

/** The fuzz tests of one file, run with a budget. */
export interface FuzzFile {
  readonly file: string;
  /** Property tests (each tried `runs` inputs) and the regression tests beside them. */
  readonly properties: number;
  readonly regressions: number;
  readonly inputs: number;
  readonly failed: number;
  readonly seconds: number;
}

interface VitestJson {
  testResults: {
    name: string;
    assertionResults: { ancestorTitles: string[]; status: string; duration?: number }[];
  }[];
}

export const FUZZ_FILES = [
  'test/fuzz/krakend-config.test.ts',
  'test/fuzz/krakend-template.test.ts',
  'test/fuzz/registry-avro.test.ts',
  'test/registry-jsonschema-fuzz.test.ts',
  'test/registry-protobuf-printer.test.ts',
  'test/fuzz/sql.test.ts',
  'test/fuzz/net-guard.test.ts',
  'test/fuzz/path-guard.test.ts',
  'test/fuzz/openapi.test.ts',
];

/** Runs the fuzz tests through vitest with FUZZ_RUNS=runs, as `npm run fuzz` does, and reads its JSON report. */
export async function runFuzz(runs: number): Promise<FuzzFile[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-fuzz-'));
  const report = path.join(dir, 'report.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--testTimeout=3600000',
          '--reporter=json',
          `--outputFile=${report}`,
          ...FUZZ_FILES,
        ],
        { cwd: REPO_ROOT, env: { ...process.env, FUZZ_RUNS: String(runs) }, stdio: 'ignore' },
      );
      const untrack = child.pid === undefined ? () => {} : trackChild(child.pid);
      child.on('error', reject);
      // vitest exits 1 when a test failed; the report says which.
      child.on('close', () => {
        untrack();
        resolve();
      });
    });
    const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
    return json.testResults.map((result) => {
      // The protobuf printer's file also holds example-based tests; only its properties are counted as fuzzing.
      const tests = result.assertionResults;
      const regressions = tests.filter((t) =>
        t.ancestorTitles.some((title) => /regressions/.test(title)),
      ).length;
      const properties = tests.length - regressions;
      return {
        file: path.relative(REPO_ROOT, result.name),
        properties,
        regressions,
        inputs: properties * runs,
        failed: tests.filter((t) => t.status !== 'passed').length,
        seconds: tests.reduce((sum, t) => sum + (t.duration ?? 0), 0) / 1000,
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
