import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from '../../guards/path.js';

export type ExcludeOutcome =
  | 'added'
  | 'already excluded'
  | 'not in a git work tree'
  | 'not a plain .git directory'
  | 'refused: a link'
  | 'refused: too large'
  | 'failed';

const COMMENT = '# rampart sessions: this machine’s shared session state';
const MAX_EXCLUDE_BYTES = 1024 * 1024;

/** The nearest directory above `dir` holding `.git`, or undefined. */
async function workTreeTop(dir: string): Promise<string | undefined> {
  for (let at = path.dirname(dir); ; at = path.dirname(at)) {
    if (await lstat(path.join(at, '.git')).catch(() => undefined)) return at;
    if (at === path.dirname(at)) return undefined;
  }
}

/** The file's text and mode, opened without following a link; undefined text when absent. */
async function readPlain(file: string): Promise<{ text: string; mode: number } | 'link' | 'too large'> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: '', mode: 0o644 };
    if (code === 'ELOOP') return 'link';
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return 'link';
    if (info.size > MAX_EXCLUDE_BYTES) return 'too large';
    return { text: await handle.readFile('utf8'), mode: info.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

/**
 * Keeps the file store's directory out of `git status` when it lies in a git work tree, by adding it to that
 * clone's `.git/info/exclude` (local, unlike a `.gitignore` the team shares). Only a plain `.git` directory is
 * written (a worktree's or submodule's `.git` file points elsewhere), never through a link and never outside it;
 * the line is added once, and the file is replaced by rename with its mode kept. Never throws: the store works
 * without it.
 */
export async function excludeFromGit(stateDir: string): Promise<ExcludeOutcome> {
  try {
    const real = await realpath(stateDir);
    const top = await workTreeTop(real);
    if (top === undefined) return 'not in a git work tree';
    const gitDir = path.join(top, '.git');
    if (!(await lstat(gitDir)).isDirectory()) return 'not a plain .git directory';
    const info = path.join(gitDir, 'info');
    await mkdir(info, { mode: 0o755 }).catch(() => undefined);
    if (!(await lstat(info)).isDirectory() || !isWithin(gitDir, await realpath(info)))
      return 'refused: a link';
    const file = path.join(info, 'exclude');
    const current = await readPlain(file);
    if (current === 'link') return 'refused: a link';
    if (current === 'too large') return 'refused: too large';
    const pattern = `/${path.relative(top, real).split(path.sep).join('/')}/`;
    if (current.text.split('\n').some((line) => line.trim() === pattern)) return 'already excluded';
    const separator = current.text === '' || current.text.endsWith('\n') ? '' : '\n';
    await replace(file, `${current.text}${separator}${COMMENT}\n${pattern}\n`, current.mode);
    return 'added';
  } catch {
    return 'failed';
  }
}

/** Writes a sibling temp file exclusively (never an existing file or link) and renames it over `file`. */
async function replace(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, text, { mode, flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
