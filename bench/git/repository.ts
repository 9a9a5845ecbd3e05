import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DATA_DIR } from '../lib/paths.js';
import { Prng } from '../lib/prng.js';

export const COMMITS = 10_000;
const FILES = 250;
const LINES_PER_FILE = 40;

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: BENCH_DATA_DIR,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(cwd: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: GIT_ENV,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git ${args[0]} failed: ${stderr}`)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** One fast-import stream: commit i rewrites line i % LINES_PER_FILE of file i % FILES. */
function importStream(): string {
  const prng = new Prng(6);
  const random = () => prng.next();
  const files: string[][] = Array.from({ length: FILES }, (_, f) =>
    Array.from(
      { length: LINES_PER_FILE },
      (_, l) => `file ${f} line ${l}: ${random().toString(36).slice(2)}`,
    ),
  );
  const parts: string[] = [];
  const start = Date.UTC(2020, 0, 1) / 1000;
  for (let i = 1; i <= COMMITS; i++) {
    const file = (i - 1) % FILES;
    const lines = files[file] as string[];
    lines[(i - 1) % LINES_PER_FILE] =
      `file ${file} changed by commit ${i}: ${random().toString(36).slice(2)}`;
    const content = `${lines.join('\n')}\n`;
    const message = `Commit ${i}: touch src/file-${file}.txt\n\nBody of commit ${i}.\n`;
    parts.push(
      'commit refs/heads/main',
      `mark :${i}`,
      `author Bench Author <author@example.com> ${start + i * 3600} +0000`,
      `committer Bench Author <author@example.com> ${start + i * 3600} +0000`,
      `data ${Buffer.byteLength(message)}`,
      message,
      ...(i > 1 ? [`from :${i - 1}`] : []),
      `M 100644 inline src/file-${file}.txt`,
      `data ${Buffer.byteLength(content)}`,
      content,
    );
  }
  return `${parts.join('\n')}\n`;
}

/**
 * A repository with 10,000 linear commits over 250 files, built once with fast-import and kept in
 * .bench-data/ (rebuilt when the layout version changes). The working tree has one uncommitted change, so a
 * diff against it has something to show.
 */
export async function benchRepository(): Promise<string> {
  const dir = join(BENCH_DATA_DIR, 'git-10k');
  const stamp = join(dir, '.git', 'rampart-bench-layout');
  const layout = `commits=${COMMITS} files=${FILES} lines=${LINES_PER_FILE} v1`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === layout) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.error(`building a ${COMMITS.toLocaleString('en-US')}-commit repository in ${dir}`);
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, ['fast-import', '--quiet'], importStream());
  await git(dir, ['checkout', '--quiet', '--force', 'main']);
  await git(dir, ['gc', '--quiet']);
  writeFileSync(join(dir, 'src/file-0.txt'), 'an uncommitted change\n', { flag: 'a' });
  writeFileSync(stamp, layout);
  return dir;
}
