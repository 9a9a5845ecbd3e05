import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idOfOversized, idOfParsed } from './jsonrpc-id.js';

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 12 }));

/** A request with its members in any order, as any client might write it. */
const request = fc
  .record({
    jsonrpc: fc.constant('2.0'),
    id,
    method: fc.constantFrom('tools/call', 'ping'),
    params: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })),
  })
  .chain((message) =>
    fc.shuffledSubarray(Object.keys(message), { minLength: 4, maxLength: 4 }).map((order) => ({
      message,
      text: JSON.stringify(
        Object.fromEntries(order.map((key) => [key, message[key as keyof typeof message]])),
      ),
    })),
  );

function ends(text: string, keep: number): [string, string] {
  const bytes = Buffer.from(text, 'utf8');
  return [
    bytes.subarray(0, keep).toString('utf8'),
    bytes.subarray(Math.max(0, bytes.length - keep)).toString('utf8'),
  ];
}

describe('idOfOversized', () => {
  it('never answers a request with another id: its own, or null', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: 1, max: 200 }), ({ message, text }, keep) => {
        const found = idOfOversized(...ends(text, keep));
        if (found !== null) expect(found).toEqual(message.id);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the id of a request whose ends it was given whole', () => {
    fc.assert(
      fc.property(request, ({ message, text }) => {
        expect(idOfOversized(text, text)).toEqual(message.id);
      }),
    );
  });

  it("finds the id the SDK's client writes last, past a huge params", () => {
    const text = `{"method":"tools/call","params":{"arguments":{"x":"${'a'.repeat(5000)}"}},"jsonrpc":"2.0","id":42}`;
    expect(idOfOversized(...ends(text, 1024))).toBe(42);
  });

  it('answers null for a message that does not name a method (an answer of the client)', () => {
    expect(idOfOversized('{"jsonrpc":"2.0","id":3,"result":{"roots":[', '"}]},"id":3}')).toBeNull();
    expect(idOfOversized('[{"jsonrpc":"2.0","id":3,"method":"ping"}', '"id":3}]')).toBeNull();
  });

  it('is not fooled by an "id" inside a string or a nested object', () => {
    expect(idOfOversized('{"method":"a","params":{"id":7,"x":"', 'x\\",\\"id\\":9}"}}')).toBeNull();
    expect(idOfOversized('{"method":"a","params":{"id":7', '"b":{"c":1,"id":9}}}')).toBeNull();
  });
});

describe('idOfParsed', () => {
  it('echoes the id of a request or notification-shaped object only', () => {
    expect(idOfParsed({ method: 'ping', id: 'x' })).toBe('x');
    expect(idOfParsed({ id: 4, result: {} })).toBeNull();
    expect(idOfParsed({ method: 'ping', id: { nested: 1 } })).toBeNull();
    expect(idOfParsed([{ method: 'ping', id: 1 }])).toBeNull();
  });
});
