import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './helpers/mcp.js';

let base: string;

/** Starts `rampart <args>` and waits for a line matching `pattern` on stdout or stderr. */
function start(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: base,
    env: { PATH: process.env.PATH ?? '', HOME: base, RAMPART_TOKEN: 'registry-cli-test-token-0123456789' },
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in:\n${seen}`)), 15_000);
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rampart exited with ${code}:\n${seen}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const SCHEMA = JSON.stringify({ type: 'record', name: 'Ping', fields: [{ name: 'at', type: 'long' }] });

async function roundTrip(url: string): Promise<void> {
  const registered = await fetch(`${url}/subjects/ping-value/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: SCHEMA }),
  });
  expect(registered.status).toBe(200);
  const { id } = (await registered.json()) as { id: number };
  expect(await (await fetch(`${url}/schemas/ids/${id}`)).json()).toMatchObject({ schema: SCHEMA });
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-registry-cli-')));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('the Schema Registry from the command line', () => {
  it('rampart registry-server serves the registry API', async () => {
    const { child, match } = await start(
      ['registry-server', '--port', '0', '--sqlite-path', path.join(base, 'standalone.db')],
      /Schema Registry on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    try {
      await roundTrip(match[1] as string);
    } finally {
      await stop(child);
    }
  }, 30_000);

  it('rampart serve starts the embedded registry beside the default servers', async () => {
    const { child, match } = await start(
      ['serve', '--port', '0'],
      /Schema Registry \(embedded, SQLite\)\n {2}(http:\/\/127\.0\.0\.1:\d+)/,
    );
    try {
      await roundTrip(match[1] as string);
    } finally {
      await stop(child);
    }
  }, 30_000);
});
