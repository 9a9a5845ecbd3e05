// Generates every kind into a temp folder, installs the toolkit from `npm pack` of this checkout (the rest from
// the npm registry, through one shared cache), and runs each project's own `npm test` and `npm run lint`. The
// projects are the workspaces of one folder so that one `npm install` serves them all: better-sqlite3, a
// dependency of the toolkit, compiles from source when its prebuilt binary cannot be downloaded (a minute).
// Usage: node --import tsx test/generated/check.ts [case...]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../src/generator/index.js';
import { CASES } from './cases.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'rampart-generated-'));
const cache = path.join(tmpdir(), 'rampart-generated-npm-cache');
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(CASES);

function timed<T>(label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  console.log(`generated-check: ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

function run(cwd: string, command: string, args: string[]): void {
  execFileSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_cache: cache } });
}

let failed = 0;
try {
  timed('npm pack', () => run(REPO, 'npm', ['pack', '--pack-destination', work, '--silent']));
  const tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string);
  for (const name of chosen) {
    const files = timed(`${name}: generate`, () => generate(CASES[name], { toolkit: `file:${tarball}` }));
    for (const [file, text] of files) {
      mkdirSync(path.dirname(path.join(work, name, file)), { recursive: true });
      writeFileSync(path.join(work, name, file), text);
    }
  }
  writeFileSync(path.join(work, 'package.json'), JSON.stringify({ private: true, workspaces: chosen }));
  timed('npm install (every project at once)', () =>
    run(work, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']),
  );
  for (const name of chosen) {
    const dir = path.join(work, name);
    try {
      timed(`${name}: npm test`, () => run(dir, 'npm', ['test', '--silent']));
      timed(`${name}: npm run lint`, () => run(dir, 'npm', ['run', 'lint', '--silent']));
      console.log(`generated-check: ${name}: ok`);
    } catch (error) {
      failed++;
      console.error(`generated-check: ${name}: FAILED (${(error as Error).message.split('\n')[0]})`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`generated-check: ${failed} of ${chosen.length} failed`);
  process.exitCode = 1;
}
