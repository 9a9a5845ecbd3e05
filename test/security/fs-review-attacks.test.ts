import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFs, type Session, type TextResult } from '../helpers/mcp.js';
import { expectRefused, type Layout, makeLayout, OUTSIDE } from '../helpers/sandbox.js';

/** Attacks found by a security review of the fs server; each is reproduced here and must stay refused. */

/** The refusal with the path argument taken out, to compare two refusals' shapes. */
function shape(result: TextResult, requested: string): string {
  return result.text.replaceAll(requested, '<path>');
}

describe.runIf(process.platform === 'linux')('fs, attacks from the security review', () => {
  let layout: Layout;
  let fs: Session;
  let socketServer: net.Server;

  beforeAll(async () => {
    layout = makeLayout();
    const { root, outside } = layout;
    execFileSync('mkfifo', [path.join(root, 'fifo')]);
    symlinkSync(outside, path.join(root, 'lout'));
    symlinkSync('/', path.join(root, 'lslash'));
    mkdirSync(path.join(root, 'sub'));
    mkdirSync(path.join(outside, 'x'));
    socketServer = net.createServer().listen(path.join(root, 'sock'));
    await new Promise((resolve) => socketServer.once('listening', resolve));
    fs = await connectFs({ roots: [root, path.join(root, 'sub')], timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await fs?.close();
    socketServer?.close();
    layout?.cleanup();
  });

  it('refuses to block on a FIFO (read, read_multiple, grep, media, resources)', async () => {
    const started = performance.now();
    expectRefused(await fs.call('read_text_file', { path: 'fifo' }), /is not a regular file/);
    const multi = await fs.call('read_multiple_files', {
      paths: ['fifo', 'fifo', 'fifo', 'fifo', 'fifo', 'hello.txt'],
    });
    expect(multi.text).toContain('hello.txt:\nhello');
    expectRefused(await fs.call('read_media_file', { path: 'fifo' }), /is not a regular file/);
    expect((await fs.call('grep', { pattern: 'hello', literal: true })).text).toContain('hello.txt:1:hello');
    expect((await fs.call('grep', { pattern: 'hel+o', path: 'fifo' })).text).toMatch(/^No matches found/);
    expect((await fs.call('get_file_info', { path: 'fifo' })).text).toContain('isFile: false');
    await expect(fs.client.readResource({ uri: `file://${path.join(layout.root, 'fifo')}` })).rejects.toThrow(
      /not a regular file/,
    );
    expect(performance.now() - started).toBeLessThan(4_000);
    expect((await fs.call('list_directory', { path: '.' })).isError).toBe(false);
  });

  it('refuses to read a socket, in one line', async () => {
    expectRefused(await fs.call('read_text_file', { path: 'sock' }), /socket or device|not a regular file/);
  });

  it('does not reveal whether a path exists beyond a link that leaves the roots', async () => {
    const pairs: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['read_text_file', { path: 'lout/secret.txt' }, { path: 'lout/no-such-file' }],
      ['read_text_file', { path: 'lslash/etc/passwd' }, { path: 'lslash/etc/no-such-file' }],
      ['get_file_info', { path: 'lout/secret.txt' }, { path: 'lout/no-such-file' }],
      ['list_directory', { path: 'lout/x' }, { path: 'lout/no-such-dir' }],
      ['create_directory', { path: 'lout/x/newdir' }, { path: 'lout/nope/newdir' }],
      ['create_directory', { path: 'lout/secret.txt/newdir' }, { path: 'lout/nope/newdir' }],
      ['write_file', { path: 'lout/x/new.txt', content: 'x' }, { path: 'lout/nope/new.txt', content: 'x' }],
    ];
    for (const [tool, present, absent] of pairs) {
      const a = await fs.call(tool, present);
      const b = await fs.call(tool, absent);
      expectRefused(a, OUTSIDE);
      expectRefused(b, OUTSIDE);
      expect(shape(a, present.path as string), tool).toBe(shape(b, absent.path as string));
    }
    expect(existsSync(path.join(layout.outside, 'x', 'newdir'))).toBe(false);
    symlinkSync(path.join(layout.outside, 'x', 'nothing-here'), path.join(layout.root, 'dangling-out'));
    symlinkSync(path.join(layout.outside, 'no-dir', 'nothing'), path.join(layout.root, 'dangling-out2'));
    const d1 = await fs.call('write_file', { path: 'dangling-out', content: 'x' });
    const d2 = await fs.call('write_file', { path: 'dangling-out2', content: 'x' });
    expect(shape(d1, 'dangling-out')).toBe(shape(d2, 'dangling-out2'));
    expectRefused(d1, OUTSIDE);
  });

  it('does not hand out a setuid file with new content, and keeps the owner', async () => {
    const file = path.join(layout.root, 'suid');
    writeFileSync(file, '#!/bin/sh\ntrue\n');
    chmodSync(file, 0o6755);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(file, 1000, 1000);
    expect((await fs.call('write_file', { path: 'suid', content: '#!/bin/sh\nid\n' })).isError).toBe(false);
    const after = statSync(file);
    expect(after.mode & 0o7777).toBe(0o755);
    if (asRoot) expect([after.uid, after.gid]).toEqual([1000, 1000]);
    const edited = await fs.call('edit_file', {
      path: 'suid',
      edits: [{ oldText: 'id', newText: 'whoami' }],
    });
    expect(edited.isError).toBe(false);
    expect(statSync(file).mode & 0o7777).toBe(0o755);
  });

  it('refuses to move an allowed root away through a linked parent', async () => {
    symlinkSync(layout.root, path.join(layout.root, 'up'));
    expectRefused(await fs.call('move_file', { source: 'up/sub', destination: 'moved' }), /allowed root/);
    expectRefused(
      await fs.call('move_file', { source: path.join(layout.root, 'sub'), destination: 'moved' }),
      /allowed root/,
    );
    expect(existsSync(path.join(layout.root, 'sub'))).toBe(true);
  });

  it('refuses, in one line, to move a directory into itself', async () => {
    mkdirSync(path.join(layout.root, 'box'));
    expectRefused(
      await fs.call('move_file', { source: 'box', destination: 'box/inner' }),
      /is inside source "box"/,
    );
    expect(existsSync(path.join(layout.root, 'box'))).toBe(true);
  });

  it('writes a file with a long (250-byte) name, and refuses a name that is too long in one line', async () => {
    const long = 'n'.repeat(250);
    expect((await fs.call('write_file', { path: long, content: 'ok' })).isError).toBe(false);
    expectRefused(await fs.call('read_text_file', { path: 'n'.repeat(300) }), /name (that is )?too long/);
    expectRefused(await fs.call('write_file', { path: 'n'.repeat(300), content: 'x' }), /too long/);
  });
});
