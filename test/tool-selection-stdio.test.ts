import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commit, initRepo } from './helpers/git.js';
import { type Session, spawnRampart, textOf } from './helpers/mcp.js';
import { runOneShot } from './helpers/process.js';

// Over stdio through the built CLI (dist/cli/main.js) and a real MCP client: what the selection leaves out is
// not registered at all.

const FS_WRITE_TOOLS = ['write_file', 'edit_file', 'create_directory', 'move_file'];
/** Nothing listens on the discard port: registry tools are listed without reaching a registry. */
const REGISTRY_ENV = { SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9' };

interface Listed {
  readonly name: string;
  readonly annotations?: { readOnlyHint?: boolean };
}

async function listed(args: string[], env: Record<string, string> = {}): Promise<Listed[]> {
  const session = await spawnRampart(args, env);
  try {
    return (await session.client.listTools()).tools as Listed[];
  } finally {
    await session.close();
  }
}

const names = (tools: Listed[]) => tools.map((t) => t.name);

/** A call's outcome whether the server answers with a JSON-RPC error or an error result. */
async function attempt(session: Session, name: string, args: Record<string, unknown>) {
  return session.client.callTool({ name, arguments: args }).then(
    (result) => textOf(result),
    (error: Error) => ({ isError: true, text: error.message, structured: undefined }),
  );
}

describe('tool selection over stdio (rampart <kind> --tools/--exclude-tools/--read-only)', () => {
  let base: string;
  let dir: string;
  let repo: string;

  beforeAll(() => {
    base = mkdtempSync(path.join(tmpdir(), 'rampart-tool-selection-'));
    dir = path.join(base, 'files');
    repo = initRepo(path.join(base, 'repo'));
    commit(repo, { 'README.md': 'hello\n' }, 'first', '2026-01-01T00:00:00Z');
    initRepo(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'kept as it was\n');
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('offers --tools, --exclude-tools and --read-only on every server command, git saying it changes nothing', async () => {
    const kinds = ['fs', 'db', 'http', 'git', 'sessions', 'krakend', 'registry'];
    const helps = await Promise.all(kinds.map((kind) => runOneShot([kind, '--help'])));
    for (const [i, help] of helps.entries()) {
      expect(help.code, kinds[i]).toBe(0);
      for (const flag of ['--tools <names>', '--exclude-tools <names>', '--read-only'])
        expect(help.stdout, `${kinds[i]} ${flag}`).toContain(flag);
    }
    expect(helps[kinds.indexOf('git')]?.stdout.replace(/\s+/g, ' ')).toContain(
      'accepted, and changes nothing',
    );
  });

  it('refuses a call to an excluded tool over stdio', async () => {
    const session = await spawnRampart(['fs', dir, '--exclude-tools', 'write_file']);
    try {
      const tools = names((await session.client.listTools()).tools);
      expect(tools).not.toContain('write_file');
      expect(tools).toEqual(expect.arrayContaining(['read_text_file', 'edit_file']));
      const target = path.join(dir, 'planted.txt');
      const outcome = await attempt(session, 'write_file', { path: target, content: 'planted' });
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(/Tool write_file not found/);
      expect(existsSync(target)).toBe(false);
      // The tools the selection kept still work.
      const read = await attempt(session, 'read_text_file', { path: path.join(dir, 'notes.txt') });
      expect(read.text).toContain('kept as it was');
    } finally {
      await session.close();
    }
  });

  it('offers exactly the tools --tools names, in one flag or repeated', async () => {
    expect(names(await listed(['fs', dir, '--tools', 'read_text_file,list_directory']))).toEqual([
      'read_text_file',
      'list_directory',
    ]);
    expect(names(await listed(['git', repo, '--tools', 'git_status', '--tools', 'git_log'])).sort()).toEqual([
      'git_log',
      'git_status',
    ]);
  });

  it('applies --tools, then --exclude-tools', async () => {
    const tools = await listed([
      'fs',
      dir,
      '--tools',
      'read_text_file,list_directory,write_file',
      '--exclude-tools',
      'write_file',
    ]);
    expect(names(tools).sort()).toEqual(['list_directory', 'read_text_file']);
  });

  it('reads the selection from rampart.yaml and from RAMPART_<KIND>_* as well as from flags', async () => {
    const config = path.join(base, 'rampart.yaml');
    writeFileSync(config, `git:\n  tools: [git_status, git_log, git_show]\n  excludeTools: [git_show]\n`);
    expect(names(await listed(['git', repo, '--config', config])).sort()).toEqual(['git_log', 'git_status']);
    const fromEnv = await listed(['fs', dir], { RAMPART_FS_EXCLUDE_TOOLS: 'write_file,move_file' });
    expect(names(fromEnv)).not.toContain('write_file');
    expect(names(fromEnv)).not.toContain('move_file');
    expect(names(fromEnv)).toContain('edit_file');
    // A flag wins over the file, as for every option.
    expect(names(await listed(['git', repo, '--config', config, '--tools', 'git_branch']))).toEqual([
      'git_branch',
    ]);
  });

  it('leaves fs only its read-only tools with --read-only, refusing a write', async () => {
    const session = await spawnRampart(['fs', dir, '--read-only']);
    try {
      const tools = (await session.client.listTools()).tools as Listed[];
      expect(tools.length).toBeGreaterThan(0);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      for (const write of FS_WRITE_TOOLS) expect(names(tools)).not.toContain(write);
      const outcome = await attempt(session, 'create_directory', { path: path.join(dir, 'made') });
      expect(outcome.isError).toBe(true);
      expect(existsSync(path.join(dir, 'made'))).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('drops db execute with --read-only, even with --allow-writes', async () => {
    const url = `sqlite:${path.join(base, 'app.db')}`;
    const writable = await listed(['db', url, '--allow-writes']);
    expect(names(writable)).toContain('execute');
    const readOnly = await listed(['db', url, '--allow-writes', '--read-only']);
    expect(names(readOnly)).toEqual(names(writable).filter((n) => n !== 'execute'));
    expect(readOnly.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it('accepts --read-only on git and changes nothing: every git tool is read-only', async () => {
    const all = await listed(['git', repo]);
    expect(all.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(names(await listed(['git', repo, '--read-only']))).toEqual(names(all));
  });

  it('leaves the registry only its read tools with --read-only, and SLIM_MODE=true means the same', async () => {
    const all = await listed(['registry'], REGISTRY_ENV);
    const readOnly = await listed(['registry', '--read-only'], REGISTRY_ENV);
    expect(names(all)).toContain('register_schema');
    expect(readOnly.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(names(readOnly)).toEqual(
      all.filter((t) => t.annotations?.readOnlyHint === true).map((t) => t.name),
    );
    expect(names(await listed(['registry'], { ...REGISTRY_ENV, SLIM_MODE: 'true' }))).toEqual(
      names(readOnly),
    );
  });

  it('warns that SLIM_MODE is deprecated, naming --read-only', async () => {
    const ended = await runOneShot(['registry'], { env: { ...REGISTRY_ENV, SLIM_MODE: 'true' } });
    expect(ended.stderr).toMatch(/SLIM_MODE is deprecated: it now means --read-only/);
  });

  it('refuses an unknown tool name at start, listing the server tools (a typo never starts a narrower server)', async () => {
    const ended = await runOneShot(['fs', dir, '--exclude-tools', 'write_fil']);
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(
      /excludeTools \(--exclude-tools\) names a tool fs does not have \(with its current options\): write_fil/,
    );
    expect(ended.stderr).toMatch(/its tools: [a-z_, ]*write_file/);
    const included = await runOneShot(['git', repo, '--tools', 'git_stats']);
    expect(included.code).not.toBe(0);
    expect(included.stderr).toMatch(
      /tools \(--tools\) names a tool git does not have \(with its current options\): git_stats \(its tools: .*git_status/,
    );
  });

  it('refuses a selection that leaves no tool', async () => {
    const ended = await runOneShot(['fs', dir, '--tools', 'write_file', '--exclude-tools', 'write_file']);
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(/tools \(--tools\) with excludeTools \(--exclude-tools\) leave fs no tool/);
  });
});
