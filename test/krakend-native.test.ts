import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSchemas } from './helpers/krakend-schemas.js';
import { spawnRampart } from './helpers/mcp.js';

/**
 * No real KrakenD here: a fake `krakend` and a fake `docker`, written by the test, record how they were called and
 * answer as KrakenD would. This proves the wiring (arguments, no shell, disagreements reported), not KrakenD.
 */
let base: string;
let bin: string;
let log: string;

function fake(name: string, body: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`);
  chmodSync(file, 0o755);
}

async function run(tool: string, args: Record<string, unknown>, extra: string[] = []) {
  const session = await spawnRampart(
    ['krakend', base, '--offline', '--schema-dir', path.join(base, 'schema'), ...extra],
    { HOME: base, PATH: `${bin}:/usr/bin:/bin` },
  );
  try {
    return await session.call(tool, args);
  } finally {
    await session.close();
  }
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-native-')));
  bin = path.join(base, 'bin');
  mkdirSync(bin);
  log = path.join(base, 'calls.log');
  writeSyntheticSchemas(path.join(base, 'schema'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('krakend check and krakend audit beside the native checks', () => {
  it('runs krakend check -tlc on the config and reports when KrakenD disagrees', async () => {
    fake(
      'krakend',
      'case "$1" in version) echo "KrakenD Version: 2.2.0";; check) echo "ERROR parsing the configuration file"; exit 1;; esac',
    );
    const result = await run('validate_config', { config: '{"version": 3, "endpoints": []}' });
    expect(result.structured).toMatchObject({
      valid: true,
      native_check: { ran: true, via: 'binary', passed: false, agrees: false, version: '2.2.0' },
    });
    expect(readFileSync(log, 'utf8')).toMatch(
      /^krakend check -tlc \/tmp\/rampart-krakend-[^/]+\/krakend\.json$/m,
    );
    expect(result.text).toMatch(/krakend check \(2\.2\.0\): failed/);
  });

  it('runs krakend audit and names the rules only one side reported', async () => {
    fake(
      'krakend',
      `case "$1" in version) echo "KrakenD Version: 2.2.0";; audit) echo '{"recommendations":[{"rule":"9.9.9"}]}';; esac`,
    );
    const result = await run('audit_security', { config: '{"version": 3, "endpoints": []}' });
    const native = (result.structured as { native_check: Record<string, unknown> }).native_check;
    expect(native).toMatchObject({ ran: true, agrees: false, only_native: ['9.9.9'] });
    expect(result.text).toMatch(/differs: only krakend 9\.9\.9/);
  });

  it('uses Docker when a KrakenD image is already present, with no network and no pull', async () => {
    rmSync(path.join(bin, 'krakend'));
    writeFileSync(log, '');
    fake(
      'docker',
      'case "$1" in --version) echo "Docker version 27.0.1";; image) echo "krakend:2.2";; run) echo "Syntax OK!";; esac',
    );
    const result = await run('validate_config', { config: '{"version": 3, "endpoints": []}' }, [
      '--krakend-binary',
      path.join(base, 'no-krakend'),
    ]);
    expect(result.structured).toMatchObject({
      native_check: { ran: true, via: 'docker', passed: true, agrees: true },
    });
    expect(readFileSync(log, 'utf8')).toMatch(
      /^docker run --rm --network none --pull never --user \d+:\d+ -v \S+:\/etc\/krakend:ro krakend:2\.2 check -tlc \/etc\/krakend\/krakend\.json$/m,
    );
  });
});
