import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFs, type Session } from '../helpers/mcp.js';
import { type Layout, makeLayout, SECRET } from '../helpers/sandbox.js';

const RACE_MS = 4_000;
const INSIDE = 'inside data\n';

/**
 * Runs in another process: `root/dir` flips between a real directory inside the root and a symlink to the
 * outside directory, as fast as it can, until killed.
 */
const FLIPPER = `
const fs = require('node:fs');
const [dir, parked, outside] = process.argv.slice(1);
for (;;) {
  try { fs.renameSync(dir, parked); fs.symlinkSync(outside, dir); } catch {}
  try { fs.unlinkSync(dir); fs.renameSync(parked, dir); } catch {}
}
`;

describe('symlink swap races', () => {
  let layout: Layout;
  let fs: Session;
  let flipper: ChildProcess;

  beforeAll(async () => {
    layout = makeLayout();
    const dir = path.join(layout.root, 'dir');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'data.txt'), INSIDE);
    writeFileSync(path.join(layout.outside, 'data.txt'), `${SECRET}\n`);
    fs = await connectFs({ roots: [layout.root] });
    flipper = spawn(
      process.execPath,
      ['-e', FLIPPER, dir, path.join(layout.root, 'parked'), layout.outside],
      {
        stdio: 'ignore',
      },
    );
  });

  afterAll(async () => {
    flipper?.kill('SIGKILL');
    await fs?.close();
    layout?.cleanup();
  });

  it('refuses symlink swap between check and open: reads never return outside content', async () => {
    const deadline = Date.now() + RACE_MS;
    const seen = { inside: 0, refused: 0, calls: 0 };
    const leaks: string[] = [];
    while (Date.now() < deadline) {
      const results = await Promise.all([
        fs.call('read_text_file', { path: 'dir/data.txt' }),
        fs.call('read_multiple_files', { paths: ['dir/data.txt', 'parked/data.txt'] }),
        fs.call('grep', { pattern: 'TOP-SECRET', literal: true, path: '.' }),
        fs.call('search_files', { path: '.', pattern: '**/data.txt' }),
        fs.call('directory_tree', { path: '.' }),
        fs.call('get_file_info', { path: 'dir/data.txt' }),
      ]);
      for (const result of results) {
        seen.calls++;
        if (result.text.includes(SECRET) || JSON.stringify(result.structured ?? {}).includes(SECRET))
          leaks.push(result.text);
        if (result.text.includes('inside data')) seen.inside++;
        if (result.isError) seen.refused++;
      }
      // metadata must never describe the outside file (it is longer than the inside one)
      const info = results[5]?.structured as { size?: number } | undefined;
      if (info?.size !== undefined && info.size !== INSIDE.length)
        leaks.push(`get_file_info size ${info.size}`);
      // search and tree must never list the outside directory's contents under the flipping name
      for (const result of results.slice(3, 5)) {
        if (result.text.includes(path.join(layout.outside))) leaks.push(result.text);
      }
    }
    console.log(`race: ${seen.calls} calls, ${seen.inside} saw inside content, ${seen.refused} refused`);
    expect(leaks).toEqual([]);
    expect(seen.calls).toBeGreaterThan(60);
    expect(seen.inside).toBeGreaterThan(0);
  });

  it('refuses symlink swap between check and write: writes never land outside', async () => {
    const deadline = Date.now() + RACE_MS / 2;
    let written = 0;
    let i = 0;
    while (Date.now() < deadline) {
      const results = await Promise.all([
        fs.call('write_file', { path: `dir/new-${i}.txt`, content: 'planted' }),
        fs.call('create_directory', { path: `dir/made-${i}` }),
        fs.call('edit_file', {
          path: 'dir/data.txt',
          edits: [{ oldText: 'inside data', newText: 'inside data' }],
        }),
      ]);
      written += results.filter((r) => !r.isError).length;
      i++;
    }
    flipper.kill('SIGKILL');
    const planted = readdirSync(layout.outside).filter(
      (name) => name !== 'data.txt' && name !== 'secret.txt',
    );
    console.log(`race: ${i * 3} write calls, ${written} succeeded inside`);
    expect(planted).toEqual([]);
    expect(existsSync(path.join(layout.outside, 'data.txt'))).toBe(true);
  });
});
