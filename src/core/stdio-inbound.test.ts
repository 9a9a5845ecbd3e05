import { describe, expect, it } from 'vitest';
import { BATCH_REFUSAL, type Inbound, LIMIT_EXCEEDED, readInbound } from './stdio-inbound.js';

const limits = { maxMessageBytes: 1000, maxDepth: 8 };
const read = (text: string): Inbound => readInbound({ kind: 'line', text }, limits);
const replyOf = (inbound: Inbound) => (inbound.kind === 'refused' ? inbound.reply : undefined);

describe('readInbound', () => {
  it('hands a JSON-RPC message on', () => {
    expect(read('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toEqual({
      kind: 'message',
      message: { jsonrpc: '2.0', id: 1, method: 'ping' },
    });
  });

  it('skips a blank line', () => {
    expect(read('   ')).toEqual({ kind: 'blank' });
  });

  it('answers a line that is not JSON with a parse error and a null id', () => {
    expect(replyOf(read('hello'))).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it('answers JSON that is not a JSON-RPC message with an invalid request, echoing the id of a request', () => {
    expect(replyOf(read('{"jsonrpc":"1.0","id":5,"method":"ping"}'))).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: { code: -32600, message: 'Invalid Request: "jsonrpc" must be "2.0"' },
    });
    expect(replyOf(read('42'))).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('answers a batch with an error for each request and none for its notifications', () => {
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      7,
      { jsonrpc: '2.0', id: 'b', method: 'tools/list' },
    ]);
    const error = { code: -32600, message: BATCH_REFUSAL };
    expect(replyOf(read(batch))).toEqual([
      { jsonrpc: '2.0', id: 1, error },
      { jsonrpc: '2.0', id: null, error },
      { jsonrpc: '2.0', id: 'b', error },
    ]);
  });

  it('answers an empty batch with one error, and a batch of notifications with none', () => {
    expect(replyOf(read('[]'))).toMatchObject({ id: null, error: { code: -32600 } });
    const notifications = read('[{"jsonrpc":"2.0","method":"notifications/initialized"}]');
    expect(notifications.kind).toBe('refused');
    expect(replyOf(notifications)).toBeUndefined();
  });

  it('refuses a message nested deeper than the cap, naming it', () => {
    const deep = `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":${'['.repeat(10)}${']'.repeat(10)}}`;
    expect(replyOf(read(deep))).toEqual({
      jsonrpc: '2.0',
      id: 9,
      error: {
        code: LIMIT_EXCEEDED,
        message: 'message: objects and arrays nested more than 8 levels deep; the limit is 8',
      },
    });
  });

  it('answers an oversized line with its size and the cap', () => {
    const inbound = readInbound(
      {
        kind: 'oversized',
        bytes: 5000,
        head: '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{',
        tail: '"}}}',
      },
      limits,
    );
    expect(replyOf(inbound)).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: {
        code: LIMIT_EXCEEDED,
        message: 'message is 5000 bytes; the limit is 1000 bytes (--max-message-bytes)',
      },
    });
  });
});
