import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox, type ServedGateway, spawnServe } from './browser.js';
import { type Signed, signInOverHttp, TOKEN } from './helpers.js';

/**
 * The console's API loads what a page asks for when the page first asks, not when `rampart serve` starts: the
 * generator (with the OpenAPI reader and the http server's client behind it) and the assistant's client library.
 * Every module the process loads is recorded as test/module-graph.test.ts records a server's.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const RECORDER = path.join(REPO, 'test/support/module-graph/record.mjs');

function loadedModules(log: string): string[] {
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return [...new Set(lines.map((url) => path.relative(REPO, new URL(url).pathname)))];
}

describe('rampart serve loads the console API’s heavy parts with their first use', () => {
  let sandbox: Sandbox;
  let gateway: ServedGateway;
  let log: string;
  let signed: Signed;

  beforeAll(async () => {
    sandbox = makeSandbox();
    log = path.join(sandbox.base, 'modules.log');
    const yaml = `servers:\n  - name: fs\n    kind: fs\n    options:\n      roots: [${JSON.stringify(sandbox.root)}]\n`;
    gateway = await spawnServe(sandbox.base, yaml, TOKEN, {
      env: { NODE_OPTIONS: `--import ${RECORDER}`, RAMPART_MODULE_LOG: log },
    });
    signed = await signInOverHttp(gateway.url);
  });

  afterAll(async () => {
    await gateway?.stop();
    sandbox?.cleanup();
  });

  it('loads no generator, OpenAPI reader or assistant client at start, and the generator for its form', async () => {
    const atStart = loadedModules(log);
    expect(
      atStart.some((m) => m.startsWith('dist/gateway/console-generator')),
      'the recorder saw serve',
    ).toBe(true);
    expect(
      atStart.filter((m) =>
        /^dist\/(generator\/|toolkit\/openapi\.js|servers\/http\/)|node_modules\/openai\//.test(m),
      ),
      'loaded before a page asked',
    ).toEqual([]);

    const answer = await fetch(`${gateway.url}/console/api/generate/schema`, {
      headers: { cookie: signed.cookie, 'x-rampart-csrf': signed.csrf, origin: gateway.url },
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { kinds: unknown[] }).kinds.length).toBeGreaterThan(0);
    expect(loadedModules(log)).toContain('dist/generator/index.js');
  });
});
