import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

function rampart(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('rampart CLI', () => {
  let layout: Layout;

  beforeAll(() => {
    layout = makeLayout();
  });

  afterAll(() => layout?.cleanup());

  it('prints its version and help', () => {
    const version = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
    expect(rampart(['--version']).stdout.trim()).toBe(version);
    // Answered before commander loads (main.ts); every spelling must agree with the one commander knows.
    for (const flag of ['-v', '-V']) expect(rampart([flag]).stdout.trim()).toBe(version);
    const help = rampart(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['fs', 'tools', 'call']) expect(help.stdout).toContain(command);
    const fsHelp = rampart(['fs', '--help']);
    expect(fsHelp.stdout).toContain('--read-only');
    expect(fsHelp.stdout).toContain('--audit-log');
  });

  it('lists tools, without write tools in read-only mode', () => {
    const all = rampart(['tools', 'fs', layout.root]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^read_text_file\s+read-only\s+Read Text File$/m);
    expect(all.stdout).toMatch(/^write_file\s+destructive\s+Write File$/m);
    const readOnly = rampart(['tools', 'fs', layout.root, '--read-only']);
    expect(readOnly.stdout).not.toContain('write_file');
    const json = JSON.parse(rampart(['tools', 'fs', layout.root, '--json']).stdout);
    expect(json.find((t: { name: string }) => t.name === 'grep').inputSchema.required).toEqual(['pattern']);
  });

  it('calls a tool and exits 0, or prints the refusal and exits 1', () => {
    const ok = rampart(['call', 'fs', layout.root, 'read_text_file', '{"path":"hello.txt"}']);
    expect(ok).toMatchObject({ code: 0, stdout: 'hello\nworld\n\n' });
    const refused = rampart(['call', 'fs', layout.root, 'read_text_file', '{"path":"/etc/passwd"}']);
    expect(refused.code).toBe(1);
    expect(refused.stdout.trim()).toBe(`path "/etc/passwd" is outside the allowed roots (${layout.root})`);
    const structured = JSON.parse(
      rampart(['call', 'fs', layout.root, '--json', 'get_file_info', '{"path":"hello.txt"}']).stdout,
    );
    expect(structured.structuredContent).toMatchObject({ isFile: true, size: 12 });
  });

  it('explains usage mistakes and exits 2', () => {
    const noRoots = rampart(['fs'], { cwd: layout.base });
    expect(noRoots.code).toBe(2);
    expect(noRoots.stderr).toContain(
      'config fs.roots is required: give directories as arguments (rampart fs <dir>…)',
    );
    const badJson = rampart(['call', 'fs', layout.root, 'read_text_file', '{path']);
    expect(badJson).toMatchObject({ code: 2 });
    expect(badJson.stderr).toContain('the arguments for read_text_file are not valid JSON');
    const unknownTool = rampart(['call', 'fs', layout.root, 'rm_rf', '{}']);
    expect(unknownTool.code).toBe(2);
    expect(unknownTool.stderr).toContain('fs has no tool "rm_rf"');
    const missingRoot = rampart(['tools', 'fs', path.join(layout.base, 'nope')]);
    expect(missingRoot.stderr).toContain(`root "${path.join(layout.base, 'nope')}" does not exist`);
    expect(rampart(['tools', 'nosuch']).stderr).toContain('unknown server "nosuch"');
  });

  it('call takes <server> [server args…] <tool> [json]: the JSON may be left out, the tool is never taken for JSON', () => {
    const noJson = rampart(['call', 'fs', layout.root, 'list_allowed_directories']);
    expect(noJson).toMatchObject({ code: 0, stdout: `Allowed directories:\n${layout.root}\n` });
    // Left out, the arguments are {}: the tool itself says what is missing, not the CLI that it is bad JSON.
    const missing = rampart(['call', 'fs', layout.root, 'read_text_file']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/argument "path"/);
    expect(missing.stderr).not.toContain('not valid JSON');
    const noTool = rampart(['call', 'fs', layout.root, '{"path":"hello.txt"}']);
    expect(noTool.code).toBe(2);
    expect(noTool.stderr).toContain(
      `expected a tool name (snake_case) before the JSON arguments but got "${layout.root}"`,
    );
    const keyValue = rampart(['call', 'fs', layout.root, 'read_text_file', 'path=hello.txt']);
    expect(keyValue.code).toBe(2);
    expect(keyValue.stderr).toContain('but got "path=hello.txt"');
    expect(rampart(['call', '--help']).stdout).toContain(
      '<server> [server arguments and flags...] <tool> [json]',
    );
  });

  it('layers flags over env over rampart.yaml, and names the key when a value is wrong', () => {
    writeFileSync(
      path.join(layout.base, 'rampart.yaml'),
      `fs:\n  roots: [${layout.root}]\n  readOnly: true\n`,
    );
    const fromFile = rampart(['tools', 'fs'], { cwd: layout.base });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).not.toContain('write_file');
    const envWins = rampart(['tools', 'fs'], { cwd: layout.base, env: { RAMPART_FS_READ_ONLY: 'false' } });
    expect(envWins.stdout).toContain('write_file');
    const badEnv = rampart(['tools', 'fs', layout.root], { env: { RAMPART_FS_MAX_RESULT_BYTES: 'lots' } });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('config env RAMPART_FS_MAX_RESULT_BYTES');
    writeFileSync(path.join(layout.base, 'rampart.yaml'), 'fs:\n  rootz: [/]\n');
    const typo = rampart(['tools', 'fs', layout.root], { cwd: layout.base });
    expect(typo.stderr).toContain('key fs.rootz is not an option of fs');
  });

  it('writes an audit log with mode 0600 and redacts secrets in it', () => {
    const audit = path.join(layout.base, 'audit', 'calls.jsonl');
    const args = '{"path":"notes.txt","content":"db password=hunter2-very-secret"}';
    expect(rampart(['call', 'fs', layout.root, '--audit-log', audit, 'write_file', args]).code).toBe(0);
    expect(
      rampart(['call', 'fs', layout.root, '--audit-log', audit, 'read_text_file', '{"path":"/etc/shadow"}'])
        .code,
    ).toBe(1);
    expect(statSync(audit).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(audit)).mode & 0o777).toBe(0o700);
    const text = readFileSync(audit, 'utf8');
    expect(text).not.toContain('hunter2');
    const records = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      server: 'fs',
      tool: 'write_file',
      client: 'rampart-cli',
      outcome: 'ok',
    });
    expect(records[1]).toMatchObject({
      tool: 'read_text_file',
      outcome: 'refused',
      message: expect.stringContaining('outside'),
    });
    expect(typeof records[0].ms).toBe('number');
  });

  it('refuses an audit log path that is a symbolic link', () => {
    const link = path.join(layout.base, 'audit-link.jsonl');
    symlinkSync(layout.secretFile, link);
    const run = rampart(['call', 'fs', layout.root, '--audit-log', link, 'list_allowed_directories', '{}']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `rampart: audit log "${link}" is a symbolic link; refusing to write through it`,
    );
    expect(readFileSync(layout.secretFile, 'utf8')).toBe(`${layout.secret}\n`);
  });

  it('serve refuses a non-loopback address without OAuth, and a port in use, with exit 2 and the reason', async () => {
    const exposed = rampart(['serve', '--host', '0.0.0.0', '--port', '0'], {
      cwd: layout.root,
      env: { RAMPART_TOKEN: 'cli-test-token-0123456789abcdef' },
    });
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toMatch(/refusing to bind 0\.0\.0\.0: .* needs OAuth \(set oauthIssuer\)/);

    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const busy = rampart(['serve', '--port', String(port)], {
        cwd: layout.root,
        env: { RAMPART_TOKEN: 'cli-test-token-0123456789abcdef' },
      });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`rampart: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      taken.close();
    }
  });
});
