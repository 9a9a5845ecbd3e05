import path from 'node:path';
import { GuardRefusal } from './refusal.js';

/**
 * Decisions about what may reach a `git` command line, and the environment git runs in. Pure: nothing here
 * runs git or touches the disk.
 */

/** A refusal to pass a value to git. Its message names the argument and never carries repository content. */
export class GitRefusal extends GuardRefusal {
  override readonly name = 'GitRefusal';
}

export const MAX_REVISION_LENGTH = 256;
const MAX_PATH_BYTES = 4096;
const MAX_DATE_LENGTH = 100;

// Control characters would split the line-oriented protocols revisions are sent over (cat-file --batch).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const REFLOG_SELECTOR = /@\{[^{}]*\}/g;

/**
 * A revision as a model may name one: a branch, tag, commit id, `HEAD~2`, `main^`, `v1.0^{commit}` or a
 * reflog selector like `main@{yesterday}`. It reaches git either on stdin (`cat-file --batch-check`, which
 * turns it into a full object id) or on a command line after `--end-of-options`; never as an option either way.
 */
export function checkRevision(value: string, label = 'revision'): string {
  if (value.length === 0) throw new GitRefusal(`${label} is empty`);
  if (value.length > MAX_REVISION_LENGTH) {
    throw new GitRefusal(`${label} is longer than ${MAX_REVISION_LENGTH} characters`);
  }
  if (CONTROL.test(value)) throw new GitRefusal(`${label} contains a control character`);
  if (value.startsWith('-')) {
    throw new GitRefusal(`${label} "${value}" starts with "-"; options cannot be passed as a revision`);
  }
  if (value.includes(':')) {
    throw new GitRefusal(
      `${label} "${value}" contains ":"; name a commit here and give file paths in their own argument`,
    );
  }
  if (value.includes('..')) {
    throw new GitRefusal(`${label} "${value}" is a range; give a single revision`);
  }
  // Spaces appear only inside a reflog selector (`main@{2 days ago}`); anywhere else they are not a revision.
  if (/\s/.test(value.replace(REFLOG_SELECTOR, ''))) {
    throw new GitRefusal(`${label} "${value}" contains whitespace`);
  }
  if (value.includes('\\')) throw new GitRefusal(`${label} "${value}" contains a backslash`);
  return value;
}

export interface RevisionRange {
  /** Absent for a single revision; `HEAD` when the range left it out (`..main`). */
  readonly from?: string;
  readonly to: string;
  /** `a...b`: the changes on `b` since it forked from `a`. */
  readonly symmetric: boolean;
}

/** A diff target: one revision, `a..b`, or `a...b`, each side checked as a revision; an empty side is HEAD. */
export function checkRevisionRange(value: string, label = 'target'): RevisionRange {
  if (CONTROL.test(value)) throw new GitRefusal(`${label} contains a control character`);
  const symmetric = value.indexOf('...');
  const plain = value.indexOf('..');
  if (plain < 0) return { to: checkRevision(value, label), symmetric: false };
  const at = symmetric >= 0 ? symmetric : plain;
  const width = symmetric >= 0 ? 3 : 2;
  const from = value.slice(0, at) || 'HEAD';
  const to = value.slice(at + width) || 'HEAD';
  if (value.slice(0, at) === '' && value.slice(at + width) === '') {
    throw new GitRefusal(`${label} "${value}" names no revision on either side`);
  }
  return {
    from: checkRevision(from, `${label} (left side)`),
    to: checkRevision(to, `${label} (right side)`),
    symmetric: symmetric >= 0,
  };
}

/**
 * A path inside the repository, made relative to its top level with `/` separators and no `.` segments.
 * `..` segments are refused rather than resolved, and an absolute path must lie inside `topLevel` (when
 * the repository has a working tree). Paths only ever reach git after `--` or after `<commit>:`, and git
 * runs with literal pathspecs, so a path is never an option or pathspec magic. Returns '' for the top level.
 */
export function checkRepoPath(value: string, topLevel: string | undefined, label = 'path'): string {
  if (value.length === 0) throw new GitRefusal(`${label} is empty`);
  if (Buffer.byteLength(value) > MAX_PATH_BYTES) {
    throw new GitRefusal(`${label} is longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (CONTROL.test(value)) throw new GitRefusal(`${label} contains a control character`);
  let relative = value;
  if (path.isAbsolute(value)) {
    const absolute = path.resolve(value);
    const inside =
      topLevel !== undefined &&
      (absolute === topLevel || absolute.startsWith(topLevel.endsWith('/') ? topLevel : `${topLevel}/`));
    if (!inside) {
      throw new GitRefusal(
        `${label} "${value}" is outside the repository${topLevel ? ` (${topLevel})` : ''}; give a path relative to its top level`,
      );
    }
    relative = path.relative(topLevel as string, absolute);
  }
  const segments = relative.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new GitRefusal(
      `${label} "${value}" contains ".."; give a path relative to the repository top level`,
    );
  }
  return segments.join('/');
}

/** A `--since`/`--until` date in any form git understands; it always travels inside one `--since=` argument. */
export function checkDate(value: string, label: string): string {
  if (value.length === 0) throw new GitRefusal(`${label} is empty`);
  if (value.length > MAX_DATE_LENGTH)
    throw new GitRefusal(`${label} is longer than ${MAX_DATE_LENGTH} characters`);
  if (CONTROL.test(value)) throw new GitRefusal(`${label} contains a control character`);
  return value;
}

/** A full object id as git prints it (SHA-1 or SHA-256). */
export function isObjectId(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

/**
 * Configuration that git gives precedence over every config file, so neither the repository's own
 * `.git/config` nor anything it includes can start a program or read a file outside the repository.
 */
export const HARDENED_CONFIG: readonly (readonly [string, string])[] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['core.askPass', ''],
  ['core.sshCommand', 'false'],
  ['credential.helper', ''],
  ['protocol.allow', 'never'],
  ['diff.external', ''],
  ['log.showSignature', 'false'],
  ['gpg.program', 'false'],
  ['gpg.ssh.program', 'false'],
  ['gpg.x509.program', 'false'],
  // These name files git would read from anywhere on disk. (blame.ignoreRevsFile is a list an override
  // cannot empty: git_blame checks it instead.)
  ['mailmap.file', ''],
  ['mailmap.blob', ''],
  ['submodule.recurse', 'false'],
  ['grep.fallbackToNoIndex', 'false'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['color.ui', 'false'],
];

const DRIVER_COMMAND = /^(filter\..+\.(?:clean|smudge|process)|diff\..+\.(?:command|textconv))$/s;
const DRIVER_REQUIRED = /^filter\..+\.required$/s;

/**
 * Overrides that switch off every filter and diff driver a repository configures, given the driver keys
 * it defines (`git config --null --name-only --get-regexp '^(filter|diff)\.'`). Driver names are free-form,
 * so they travel as separate key and value (GIT_CONFIG_KEY_n), never through `-c key=value`.
 */
export function driverOverrides(keys: readonly string[]): [string, string][] {
  const overrides: [string, string][] = [];
  for (const key of keys) {
    if (DRIVER_COMMAND.test(key)) overrides.push([key, '']);
    else if (DRIVER_REQUIRED.test(key)) overrides.push([key, 'false']);
  }
  return overrides;
}

const NOWHERE = '/nonexistent';

/** The only environment git sees: no inherited GIT_* variables, no system or global config, no prompts. */
export function hardenedEnvironment(
  config: readonly (readonly [string, string])[],
  inherited: { readonly TZ?: string | undefined } = {},
): Record<string, string> {
  const env: Record<string, string> = {
    // git starts git by name for a partial clone's lazy fetch (which also writes the repository config)
    // and for submodules; with no exec path and no PATH it cannot start git or any other program by name.
    PATH: NOWHERE,
    GIT_EXEC_PATH: NOWHERE,
    HOME: NOWHERE,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_SYSTEM: '/dev/null',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_LITERAL_PATHSPECS: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    // An empty list allows no transport at all, so nothing (a partial clone's lazy fetch) reaches a remote.
    GIT_ALLOW_PROTOCOL: '',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_CONFIG_COUNT: String(config.length),
  };
  if (inherited.TZ) env.TZ = inherited.TZ;
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
