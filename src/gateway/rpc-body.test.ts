import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callCount, callLabel, readRpcBody } from './rpc-body.js';

const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1/mcp/fs', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('what a request costs against the rate limit', () => {
  it('charges each message of a batch, and at least one call for anything (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 50 }), fc.jsonValue(), async (batch, single) => {
        expect(callCount(await readRpcBody(post(JSON.stringify(batch)), 1 << 20))).toBe(
          Math.max(1, batch.length),
        );
        const one = JSON.stringify(single);
        if (!Array.isArray(single)) expect(callCount(await readRpcBody(post(one), 1 << 20))).toBe(1);
      }),
    );
    expect(callCount(undefined)).toBe(1);
    expect(callCount(await readRpcBody(post('not json'), 1024))).toBe(1);
  });

  it('refuses a body over the cap, declared or not, without reading past it', async () => {
    expect(await readRpcBody(post('[]', { 'content-length': '2000' }), 1000)).toEqual({ kind: 'too-large' });
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(600));
      },
    });
    const endless = new Request('http://127.0.0.1/mcp/fs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(await readRpcBody(endless, 1000)).toEqual({ kind: 'too-large' });
  });

  it('names the tool, the method or the batch in the audit record, briefly', async () => {
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x'.repeat(500) } };
    expect(callLabel(await readRpcBody(post(JSON.stringify(call)), 1 << 20))).toBe('x'.repeat(100));
    expect(callLabel(await readRpcBody(post('{"method":"tools/list"}'), 1024))).toBe('tools/list');
    expect(callLabel(await readRpcBody(post('[{}]'), 1024))).toBe('batch');
    expect(callLabel(await readRpcBody(post('null'), 1024))).toBe('(none)');
  });
});
