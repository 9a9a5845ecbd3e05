import { existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectFs, type Session } from '../helpers/mcp.js';
import {
  expectRefused,
  type Layout,
  makeLayout,
  OUTSIDE,
  plantEscapeLinks,
  SECRET,
} from '../helpers/sandbox.js';

describe('fs refuses every way out of the sandbox', () => {
  let layout: Layout;
  let fs: Session;
  let victim: string;

  beforeAll(async () => {
    layout = makeLayout();
    const { root, outside } = layout;
    plantEscapeLinks(layout);
    victim = path.join(outside, 'victim.txt');
    writeFileSync(victim, 'victim original\n');
    linkSync(victim, path.join(root, 'hardlink'));
    mkdirSync(path.join(root, 'sub'));
    writeFileSync(path.join(root, 'sub', 'inner.txt'), 'inner\n');
    fs = await connectFs({ roots: [root] });
  });

  afterAll(async () => {
    await fs?.close();
    layout?.cleanup();
  });

  it('refuses an absolute path outside the roots', async () => {
    expectRefused(await fs.call('read_text_file', { path: '/etc/passwd' }), OUTSIDE);
    expectRefused(await fs.call('read_text_file', { path: layout.secretFile }), OUTSIDE);
    expectRefused(await fs.call('list_directory', { path: '/' }), OUTSIDE);
    expectRefused(
      await fs.call('write_file', { path: path.join(layout.outside, 'x.txt'), content: 'x' }),
      OUTSIDE,
    );
    expect(existsSync(path.join(layout.outside, 'x.txt'))).toBe(false);
    const refused = await fs.call('read_text_file', { path: '/etc/passwd' });
    expect(refused.text).toBe(`path "/etc/passwd" is outside the allowed roots (${layout.root})`);
  });

  it('refuses ../ traversal', async () => {
    expectRefused(await fs.call('read_text_file', { path: '../outside/secret.txt' }), OUTSIDE);
    expectRefused(await fs.call('read_text_file', { path: 'sub/../../outside/secret.txt' }), OUTSIDE);
    expectRefused(await fs.call('read_text_file', { path: `${layout.root}/../outside/secret.txt` }), OUTSIDE);
    expectRefused(await fs.call('write_file', { path: '../outside/new.txt', content: 'x' }), OUTSIDE);
    expect(existsSync(path.join(layout.outside, 'new.txt'))).toBe(false);
  });

  it('refuses a prefix sibling (/x/root vs /x/root_secret)', async () => {
    expectRefused(
      await fs.call('read_text_file', { path: path.join(layout.sibling, 'secret.txt') }),
      OUTSIDE,
    );
    expectRefused(await fs.call('list_directory', { path: layout.sibling }), OUTSIDE);
    expectRefused(await fs.call('search_files', { path: layout.sibling, pattern: '**' }), OUTSIDE);
  });

  it('refuses a NUL byte in a path', async () => {
    expectRefused(await fs.call('read_text_file', { path: 'hello.txt\0../../etc/passwd' }), /NUL byte/);
    expectRefused(await fs.call('write_file', { path: 'evil\0.txt', content: 'x' }), /NUL byte/);
  });

  it('refuses a symlinked file that points outside (read, read_multiple, write, edit, move, get_file_info)', async () => {
    expectRefused(await fs.call('read_text_file', { path: 'link-to-secret' }), OUTSIDE);
    const multi = await fs.call('read_multiple_files', { paths: ['link-to-secret', 'hello.txt'] });
    expect(multi.isError).toBe(false);
    expect(multi.text).not.toContain(SECRET);
    expect(multi.text).toMatch(
      /link-to-secret: Error - path "link-to-secret" resolves through a symbolic link that is outside/,
    );
    expectRefused(await fs.call('write_file', { path: 'link-to-secret', content: 'overwritten' }), OUTSIDE);
    expectRefused(
      await fs.call('edit_file', { path: 'link-to-secret', edits: [{ oldText: 'TOP', newText: 'X' }] }),
      OUTSIDE,
    );
    expectRefused(await fs.call('move_file', { source: 'link-to-secret', destination: 'moved' }), OUTSIDE);
    expectRefused(await fs.call('get_file_info', { path: 'link-to-secret' }), OUTSIDE);
    expectRefused(await fs.call('read_media_file', { path: 'link-to-secret' }), OUTSIDE);
    expect(readFileSync(layout.secretFile, 'utf8')).toBe(`${SECRET}\n`);
    expect(existsSync(path.join(layout.root, 'moved'))).toBe(false);
  });

  it('refuses a symlinked directory that points outside (read, read_multiple, write, edit, move, get_file_info)', async () => {
    expectRefused(await fs.call('read_text_file', { path: 'link-to-outside/secret.txt' }), OUTSIDE);
    const multi = await fs.call('read_multiple_files', { paths: ['link-to-outside/secret.txt'] });
    expect(multi.text).toMatch(/Error - .*outside the allowed roots/);
    expect(multi.text).not.toContain(SECRET);
    expectRefused(await fs.call('write_file', { path: 'link-to-outside/secret.txt', content: 'x' }), OUTSIDE);
    expectRefused(
      await fs.call('edit_file', {
        path: 'link-to-outside/secret.txt',
        edits: [{ oldText: 'TOP', newText: 'X' }],
      }),
      OUTSIDE,
    );
    expectRefused(
      await fs.call('move_file', { source: 'link-to-outside/secret.txt', destination: 'stolen.txt' }),
      OUTSIDE,
    );
    expectRefused(
      await fs.call('move_file', { source: 'hello.txt', destination: 'link-to-outside/planted.txt' }),
      OUTSIDE,
    );
    expectRefused(await fs.call('get_file_info', { path: 'link-to-outside/secret.txt' }), OUTSIDE);
    expectRefused(await fs.call('list_directory', { path: 'link-to-outside' }), OUTSIDE);
    expectRefused(await fs.call('directory_tree', { path: 'link-to-outside' }), OUTSIDE);
    expectRefused(await fs.call('create_directory', { path: 'link-to-outside/newdir' }), OUTSIDE);
    expect(readFileSync(layout.secretFile, 'utf8')).toBe(`${SECRET}\n`);
    expect(existsSync(path.join(layout.outside, 'planted.txt'))).toBe(false);
    expect(existsSync(path.join(layout.outside, 'newdir'))).toBe(false);
    expect(existsSync(path.join(layout.root, 'stolen.txt'))).toBe(false);
  });

  it('refuses a write through a dangling symlink that would create a file outside', async () => {
    expectRefused(await fs.call('write_file', { path: 'dangling', content: 'planted' }), OUTSIDE);
    expect(existsSync(path.join(layout.outside, 'not-yet.txt'))).toBe(false);
  });

  it('refuses a write under a symlinked parent directory', async () => {
    expectRefused(
      await fs.call('write_file', { path: 'link-to-outside/planted.txt', content: 'planted' }),
      OUTSIDE,
    );
    expectRefused(
      await fs.call('write_file', { path: 'link-to-outside/sub/planted.txt', content: 'planted' }),
      /outside|does not exist/,
    );
    expect(existsSync(path.join(layout.outside, 'planted.txt'))).toBe(false);
  });

  it('overwriting a hardlink to an outside file leaves the outside file intact', async () => {
    const written = await fs.call('write_file', { path: 'hardlink', content: 'replaced inside\n' });
    expect(written.isError, written.text).toBe(false);
    expect(readFileSync(path.join(layout.root, 'hardlink'), 'utf8')).toBe('replaced inside\n');
    expect(readFileSync(victim, 'utf8')).toBe('victim original\n');
    linkSync(victim, path.join(layout.root, 'hardlink2'));
    const edited = await fs.call('edit_file', {
      path: 'hardlink2',
      edits: [{ oldText: 'original', newText: 'edited' }],
    });
    expect(edited.isError, edited.text).toBe(false);
    expect(readFileSync(path.join(layout.root, 'hardlink2'), 'utf8')).toBe('victim edited\n');
    expect(readFileSync(victim, 'utf8')).toBe('victim original\n');
  });

  it('search, tree and grep never list or read through links that leave the roots', async () => {
    const search = await fs.call('search_files', { path: '.', pattern: '**' });
    expect(search.isError).toBe(false);
    expect(search.text).toContain(path.join(layout.root, 'sub/inner.txt'));
    expect(search.text).not.toContain('link-to-outside');
    expect(search.text).not.toContain('link-to-secret');
    expect(search.text).not.toContain('secret.txt');
    const tree = await fs.call('directory_tree', { path: '.' });
    expect(tree.isError).toBe(false);
    expect(tree.text).not.toMatch(/link-to-outside|link-to-secret|secret\.txt/);
    const grep = await fs.call('grep', { pattern: SECRET, literal: true });
    expect(grep.isError).toBe(false);
    expect(grep.text).toMatch(/^No matches found/);
    expect(grep.text).not.toContain(SECRET);
    const grepRegex = await fs.call('grep', { pattern: 'TOP-SECRET.*', path: '.' });
    expect(grepRegex.text).toMatch(/^No matches found/);
  });
});

describe('client roots narrow the operator roots and never widen them', () => {
  let layout: Layout;

  beforeAll(() => {
    layout = makeLayout();
    mkdirSync(path.join(layout.root, 'project'));
    writeFileSync(path.join(layout.root, 'project', 'a.txt'), 'in project\n');
  });

  afterAll(() => layout?.cleanup());

  it('refuses to widen the roots when the client offers a parent directory', async () => {
    const fs = await connectFs({ roots: [layout.root], clientRoots: [layout.base, '/'] });
    try {
      expectRefused(await fs.call('read_text_file', { path: layout.secretFile }), OUTSIDE);
      expect((await fs.call('list_allowed_directories', {})).text).toBe(
        `Allowed directories:\n${layout.root}`,
      );
      expect((await fs.call('read_text_file', { path: 'hello.txt' })).text).toBe('hello\nworld\n');
    } finally {
      await fs.close();
    }
  });

  it('narrows to a client root inside the operator root', async () => {
    const project = path.join(layout.root, 'project');
    const fs = await connectFs({ roots: [layout.root], clientRoots: [project] });
    try {
      expect((await fs.call('read_text_file', { path: 'a.txt' })).text).toBe('in project\n');
      expectRefused(await fs.call('read_text_file', { path: path.join(layout.root, 'hello.txt') }), OUTSIDE);
      const info = await fs.call('list_allowed_directories', {});
      expect(info.structured).toEqual({ directories: [project], narrowedByClientRoots: true });
    } finally {
      await fs.close();
    }
  });

  it('allows nothing when the client roots do not overlap the operator roots', async () => {
    const fs = await connectFs({ roots: [layout.root], clientRoots: [layout.outside] });
    try {
      expectRefused(
        await fs.call('read_text_file', { path: layout.secretFile }),
        /outside the allowed roots \(none\)/,
      );
      expectRefused(
        await fs.call('read_text_file', { path: path.join(layout.root, 'hello.txt') }),
        /\(none\)/,
      );
    } finally {
      await fs.close();
    }
  });

  it('follows roots/list_changed, and a failed refresh never widens the roots again', async () => {
    const project = path.join(layout.root, 'project');
    let offered: string[] | 'fail' = [layout.root];
    const fs = await connectFs({
      roots: [layout.root],
      clientRoots: () => {
        if (offered === 'fail') throw new Error('client cannot list roots now');
        return offered;
      },
    });
    try {
      expect((await fs.call('read_text_file', { path: 'hello.txt' })).isError).toBe(false);
      offered = [project];
      await fs.client.sendRootsListChanged();
      expectRefused(await fs.call('read_text_file', { path: path.join(layout.root, 'hello.txt') }), OUTSIDE);
      offered = 'fail';
      await fs.client.sendRootsListChanged();
      expectRefused(await fs.call('read_text_file', { path: path.join(layout.root, 'hello.txt') }), OUTSIDE);
      expect((await fs.call('read_text_file', { path: 'a.txt' })).text).toBe('in project\n');
    } finally {
      await fs.close();
    }
  });

  it('refuses calls while the client has not said its roots, instead of using wider ones', async () => {
    const project = path.join(layout.root, 'project');
    const fs = await connectFs({
      roots: [layout.root],
      clientRoots: () => new Promise((resolve) => setTimeout(() => resolve([project]), 6_000)),
    });
    try {
      const early = await fs.call('read_text_file', { path: path.join(layout.root, 'hello.txt') });
      expectRefused(early, /has not answered roots\/list yet/);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expectRefused(await fs.call('read_text_file', { path: path.join(layout.root, 'hello.txt') }), OUTSIDE);
      expect((await fs.call('read_text_file', { path: 'a.txt' })).text).toBe('in project\n');
    } finally {
      await fs.close();
    }
  });

  it('keeps the operator roots when told to ignore client roots', async () => {
    const fs = await connectFs({
      roots: [layout.root],
      clientRoots: [layout.outside],
      ignoreClientRoots: true,
    });
    try {
      expect((await fs.call('read_text_file', { path: 'hello.txt' })).isError).toBe(false);
      expectRefused(await fs.call('read_text_file', { path: layout.secretFile }), OUTSIDE);
    } finally {
      await fs.close();
    }
  });
});

describe('read-only mode', () => {
  it('registers no write tools', async () => {
    const layout = makeLayout();
    const fs = await connectFs({ roots: [layout.root], readOnly: true });
    try {
      const names = (await fs.client.listTools()).tools.map((t) => t.name);
      for (const write of ['write_file', 'edit_file', 'create_directory', 'move_file'])
        expect(names).not.toContain(write);
      expect(names).toContain('read_text_file');
      await expect(
        fs.client.callTool({ name: 'write_file', arguments: { path: 'x', content: 'y' } }),
      ).rejects.toThrow(/not found/);
      expect(existsSync(path.join(layout.root, 'x'))).toBe(false);
    } finally {
      await fs.close();
      layout.cleanup();
    }
  });
});
