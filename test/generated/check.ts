// Generates every kind into a temp folder, installs the toolkit from `npm pack` of this checkout (the rest from
// the npm registry, through one shared cache), and runs each project's own `npm test` and `npm run lint`. The
// projects are the workspaces of one folder so that one `npm install` serves them all. better-sqlite3, a
// dependency of the toolkit, compiles from source when its prebuilt binary cannot be downloaded (two to three
// minutes on two busy cores), so the install skips scripts and takes the binary the checkout's own install built
// for the same version and Node; only when the versions differ is it rebuilt.
// Usage: node --import tsx test/generated/check.ts [--prebuilt] [case...]
// --prebuilt: dist/ is fresh (CI ran npm test just before), so `npm pack` skips the prepare build.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../src/generator/index.js';
import { CASES } from './cases.js';
import { CONSOLE_CASE, consoleCaseRuns, filesFromConsole } from './from-console.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const cache = path.join(tmpdir(), 'rampart-generated-npm-cache');
const given = process.argv.slice(2);
const prebuilt = given.includes('--prebuilt');
const named = given.filter((a) => a !== '--prebuilt');
// The console case's files come from the web console's generator page (from-console.ts), not from generate().
const known = [...Object.keys(CASES), CONSOLE_CASE];
const chosen = (named.length > 0 ? named : known).filter((n) => n !== CONSOLE_CASE || consoleCaseRuns());
const unknown = chosen.filter((name) => !known.includes(name));
if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
const work = mkdtempSync(path.join(tmpdir(), 'rampart-generated-'));
/** Seconds spent per project (generate, test, lint), for the summary. */
const spent = new Map<string, number>();
const began = performance.now();

function timed<T>(label: string, work: () => T, project?: string): T {
  const started = performance.now();
  const result = work();
  const seconds = (performance.now() - started) / 1000;
  if (project) spent.set(project, (spent.get(project) ?? 0) + seconds);
  console.log(`generated-check: ${label} (${seconds.toFixed(1)} s)`);
  return result;
}

async function timedAsync<T>(label: string, work: () => Promise<T>, project: string): Promise<T> {
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  spent.set(project, (spent.get(project) ?? 0) + seconds);
  console.log(`generated-check: ${label} (${seconds.toFixed(1)} s)`);
  return result;
}

const versionOf = (dir: string) =>
  existsSync(path.join(dir, 'package.json'))
    ? (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version
    : undefined;

/** The native part of better-sqlite3: the checkout's build when it is the same version, else built here. */
function nativeSqlite(): string {
  const mine = path.join(REPO, 'node_modules/better-sqlite3');
  const theirs = path.join(work, 'node_modules/better-sqlite3');
  if (!existsSync(theirs)) return 'not needed';
  if (
    versionOf(mine) === versionOf(theirs) &&
    existsSync(path.join(mine, 'build/Release/better_sqlite3.node'))
  ) {
    cpSync(path.join(mine, 'build'), path.join(theirs, 'build'), { recursive: true });
    return `the checkout's build of ${versionOf(mine)}`;
  }
  run(work, 'npm', ['rebuild', 'better-sqlite3', '--loglevel=error']);
  return `rebuilt ${versionOf(theirs)} (the checkout has ${versionOf(mine) ?? 'none'})`;
}

function run(cwd: string, command: string, args: string[]): void {
  execFileSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_cache: cache } });
}

let failed = 0;
try {
  const pack = ['pack', '--pack-destination', work, '--silent', ...(prebuilt ? ['--ignore-scripts'] : [])];
  timed(`npm pack${prebuilt ? ' (dist prebuilt)' : ''}`, () => run(REPO, 'npm', pack));
  const tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string);
  for (const name of chosen) {
    const files =
      name === CONSOLE_CASE
        ? await timedAsync(
            `${name}: generate in the web console`,
            () => filesFromConsole(`file:${tarball}`),
            name,
          )
        : timed(`${name}: generate`, () => generate(CASES[name], { toolkit: `file:${tarball}` }), name);
    for (const [file, text] of files) {
      mkdirSync(path.dirname(path.join(work, name, file)), { recursive: true });
      writeFileSync(path.join(work, name, file), text);
    }
  }
  writeFileSync(path.join(work, 'package.json'), JSON.stringify({ private: true, workspaces: chosen }));
  timed('npm install (every project at once)', () =>
    run(work, 'npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      '--loglevel=error',
    ]),
  );
  const native = timed('better-sqlite3 native module', nativeSqlite);
  console.log(`generated-check: better-sqlite3: ${native}`);
  for (const name of chosen) {
    const dir = path.join(work, name);
    try {
      timed(`${name}: npm test`, () => run(dir, 'npm', ['test', '--silent']), name);
      timed(`${name}: npm run lint`, () => run(dir, 'npm', ['run', 'lint', '--silent']), name);
      console.log(`generated-check: ${name}: ok`);
    } catch (error) {
      failed++;
      console.error(`generated-check: ${name}: FAILED (${(error as Error).message.split('\n')[0]})`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  for (const [name, seconds] of spent)
    console.log(`generated-check: ${name}: ${seconds.toFixed(1)} s in all`);
  console.log(`generated-check: total ${((performance.now() - began) / 1000).toFixed(1)} s`);
}
if (failed > 0) {
  console.error(`generated-check: ${failed} of ${chosen.length} failed`);
  process.exitCode = 1;
}
