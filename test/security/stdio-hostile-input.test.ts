import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, defaultMaxMessageBytes } from '../../src/guards/limits.js';
import { connectFs, type Session, spawnRampart } from '../helpers/mcp.js';
import { type RawStdio, spawnRaw } from '../helpers/raw-stdio.js';
import { type Layout, makeLayout } from '../helpers/sandbox.js';

const CAP = defaultMaxMessageBytes(DEFAULT_LIMITS.maxArgBytes);
const MiB = 1024 * 1024;

interface ErrorAnswer {
  id: unknown;
  error: { code: number; message: string };
}

const withId = (id: unknown) => (m: unknown) => (m as { id?: unknown }).id === id;
const isArray = (m: unknown) => Array.isArray(m);

/** Peak resident memory of a process so far, in bytes (Linux). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) * 1024;
}

/** A tools/call line of `bytes` bytes, its members in the order the SDK's client writes them (id last). */
function callOfSize(id: number, bytes: number): string {
  const frame = `{"method":"tools/call","params":{"name":"list_allowed_directories","arguments":{"x":""}},"jsonrpc":"2.0","id":${id}}`;
  return frame.replace('"x":""', `"x":"${'a'.repeat(bytes - frame.length)}"`);
}

/** The server still answers: a ping and a real tool call. */
async function expectServing(server: RawStdio, id: number): Promise<void> {
  expect(await server.request(id, 'ping')).toMatchObject({ result: {} });
  const call = await server.request(id + 1, 'tools/call', {
    name: 'list_allowed_directories',
    arguments: {},
  });
  expect(call).toMatchObject({ result: { structuredContent: { directories: [expect.any(String)] } } });
}

describe('stdio hostile input (spawned rampart fs over raw stdio)', () => {
  let layout: Layout;
  let server: RawStdio;

  beforeAll(() => {
    layout = makeLayout();
  });
  afterAll(() => layout?.cleanup());
  afterEach(async () => {
    await server?.stop();
  });

  it('survives a 20 MB message and answers with a size error', async () => {
    server = await spawnRaw(['fs', layout.root]);
    // 10.5 MB slipped under the SDK's read buffer and was never answered; 20 MB ended the process.
    for (const [id, size] of [
      [1, 10.5 * MiB],
      [2, 20 * MiB],
    ] as const) {
      await server.write(callOfSize(id, size));
      await server.write('\n');
      const answer = (await server.next(withId(id))) as ErrorAnswer;
      expect(answer.error).toEqual({
        code: -32000,
        message: `message is ${size} bytes; the limit is ${CAP} bytes (--max-message-bytes)`,
      });
    }
    expect(server.exited()).toBeUndefined();
    await expectServing(server, 10);
    expect(server.stderr()).toMatch(
      /rampart warn: \[fs\] refused a message over the \d+-byte limit \{"bytes":20971520\}/,
    );
  });

  it('discards a 400 MB message as it streams: memory stays far below its size', async () => {
    server = await spawnRaw(['fs', layout.root]);
    const before = peakRss(server.pid);
    const chunk = Buffer.alloc(MiB, 'a');
    await server.write(
      '{"method":"tools/call","params":{"name":"list_allowed_directories","arguments":{"x":"',
    );
    for (let i = 0; i < 400; i++) await server.write(chunk);
    await server.write('"}},"jsonrpc":"2.0","id":1}\n');
    expect(((await server.next(withId(1))) as ErrorAnswer).error.code).toBe(-32000);
    // Node's own read buffers awaiting collection account for the growth; holding the line would need 400 MiB.
    expect(peakRss(server.pid) - before).toBeLessThan(200 * MiB);
    await expectServing(server, 2);
  });

  it('takes its cap from --max-message-bytes, like the other limits', async () => {
    server = await spawnRaw(['fs', layout.root, '--max-message-bytes', '4096']);
    await server.write(`${callOfSize(1, 5000)}\n`);
    expect(((await server.next(withId(1))) as ErrorAnswer).error.message).toBe(
      'message is 5000 bytes; the limit is 4096 bytes (--max-message-bytes)',
    );
    await expectServing(server, 2);
  });

  it('answers a line that is not JSON with a parse error', async () => {
    server = await spawnRaw(['fs', layout.root]);
    await server.write('hello, is this JSON?\n');
    const answer = (await server.next(withId(null))) as ErrorAnswer;
    expect(answer.error.code).toBe(-32700);
    expect(answer.error.message).toMatch(/^Parse error: the line is not JSON/);
    await expectServing(server, 1);
    expect(server.stderr()).toMatch(/rampart warn: \[fs\] refused a line that is not JSON/);
  });

  it('answers valid JSON that is not a request with an invalid-request error', async () => {
    server = await spawnRaw(['fs', layout.root]);
    await server.write('{"hello":"world"}\n');
    expect(((await server.next(withId(null))) as ErrorAnswer).error.code).toBe(-32600);
    await server.send({ jsonrpc: '1.0', id: 7, method: 'ping' });
    expect(((await server.next(withId(7))) as ErrorAnswer).error).toEqual({
      code: -32600,
      message: 'Invalid Request: "jsonrpc" must be "2.0"',
    });
    await expectServing(server, 1);
    expect(server.stderr()).toMatch(/rampart warn: \[fs\] refused a line that is not a JSON-RPC message/);
  });

  it('answers a batch: an error for each request in it, none for its notifications', async () => {
    server = await spawnRaw(['fs', layout.root]);
    await server.send([
      { jsonrpc: '2.0', id: 'a', method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 'b', method: 'tools/list' },
    ]);
    const answer = (await server.next(isArray)) as ErrorAnswer[];
    expect(answer.map((a) => [a.id, a.error.code])).toEqual([
      ['a', -32600],
      ['b', -32600],
    ]);
    expect(answer[0]?.error.message).toMatch(/no JSON-RPC batches since protocol revision 2025-06-18/);
    await expectServing(server, 1);
    expect(server.stderr()).toMatch(/rampart warn: \[fs\] refused a JSON-RPC batch of 3 element\(s\)/);
  });

  it('refuses arguments nested 100,000 deep with a clear error', async () => {
    server = await spawnRaw(['fs', layout.root]);
    const depth = 100_000;
    await server.write(
      `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list_allowed_directories","arguments":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}\n`,
    );
    expect(((await server.next(withId(5))) as ErrorAnswer).error).toEqual({
      code: -32000,
      message: 'message: objects and arrays nested more than 256 levels deep; the limit is 256',
    });
    await expectServing(server, 6);
    expect(server.stderr()).not.toMatch(/internal error|Maximum call stack/);
  });
});

describe('stdio hostile input (a real MCP client over stdio)', () => {
  let layout: Layout;
  let rampart: Session;

  beforeAll(async () => {
    layout = makeLayout();
    rampart = await spawnRampart(['fs', layout.root]);
  });
  afterAll(async () => {
    await rampart?.close();
    layout?.cleanup();
  });

  it("refuses arguments nested 1,000 deep (as deep as the client's own encoder goes) with a clear error", async () => {
    let deep: unknown = 0;
    for (let i = 0; i < 1_000; i++) deep = [deep];
    await expect(rampart.call('list_allowed_directories', { x: deep })).rejects.toThrow(
      'message: objects and arrays nested more than 256 levels deep; the limit is 256',
    );
    expect((await rampart.call('list_allowed_directories', {})).isError).toBe(false);
  });

  it('answers an oversized call at once with the size error, matched to the call, and keeps serving', async () => {
    const started = performance.now();
    await expect(rampart.call('list_allowed_directories', { x: 'a'.repeat(4 * MiB) })).rejects.toThrow(
      `the limit is ${CAP} bytes`,
    );
    // The SDK's client writes the id last; it was read from the end of the discarded line, so nothing waited.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await rampart.call('list_allowed_directories', {})).isError).toBe(false);
  });
});

describe('deep arguments without a wire (a real MCP client in process, as the gateway hands them on)', () => {
  it('refuses arguments nested 100,000 deep with a clear error, not an internal error', async () => {
    const layout = makeLayout();
    const fs = await connectFs({ roots: [layout.root] });
    try {
      let deep: unknown = 0;
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(await fs.call('list_allowed_directories', { x: deep })).toMatchObject({
        isError: true,
        text: 'arguments: objects and arrays nested more than 256 levels deep; the limit is 256',
      });
    } finally {
      await fs.close();
      layout.cleanup();
    }
  });
});
