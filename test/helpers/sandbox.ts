import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { TextResult } from './mcp.js';

/**
 * A temp layout for attack tests: `root` is what the server may use; `outside` holds a secret the server must
 * never reveal; `sibling` sits next to root with root's name as a prefix (`root_secret`).
 */
export interface Layout {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  readonly sibling: string;
  readonly secretFile: string;
  readonly secret: string;
  cleanup(): void;
}

export const SECRET = 'TOP-SECRET-OUTSIDE-CONTENT-4b1d';

export function makeLayout(): Layout {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-test-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  const sibling = path.join(base, 'root_secret');
  for (const dir of [root, outside, sibling]) mkdirSync(dir);
  const secretFile = path.join(outside, 'secret.txt');
  writeFileSync(secretFile, `${SECRET}\n`);
  writeFileSync(path.join(sibling, 'secret.txt'), `${SECRET}\n`);
  writeFileSync(path.join(root, 'hello.txt'), 'hello\nworld\n');
  return {
    base,
    root,
    outside,
    sibling,
    secretFile,
    secret: SECRET,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * Plants the links a symlink attack uses inside the root: `link-to-secret` (a file outside), `link-to-outside`
 * (the folder outside) and `dangling` (a file outside that does not exist yet, which a write would create).
 */
export function plantEscapeLinks(layout: Layout): void {
  symlinkSync(layout.secretFile, path.join(layout.root, 'link-to-secret'));
  symlinkSync(layout.outside, path.join(layout.root, 'link-to-outside'));
  symlinkSync(path.join(layout.outside, 'not-yet.txt'), path.join(layout.root, 'dangling'));
}

export const OUTSIDE = /outside the allowed roots/;

/** A refusal is an isError result of one line that names the problem and carries nothing from outside. */
export function expectRefused(result: TextResult, pattern: RegExp): void {
  expect(result.isError, result.text).toBe(true);
  expect(result.text).toMatch(pattern);
  expect(result.text).not.toContain('\n');
  expect(result.text).not.toContain(SECRET);
}
