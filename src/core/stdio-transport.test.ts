import { PassThrough, Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { StdioLineTransport } from './stdio-transport.js';

/** A stdout whose reader has stopped: it takes writes into its buffer and completes none until `release`. */
function stalledOutput() {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 256,
    write(chunk, _encoding, done) {
      written.push(String(chunk));
      pending.push(done);
    },
  });
  const release = () => {
    for (const done of pending.splice(0)) done();
  };
  return { stream, written, release };
}

describe('StdioLineTransport', () => {
  it('stops reading while the client does not read its answers, and catches up once it does', async () => {
    const stdin = new PassThrough();
    const output = stalledOutput();
    const transport = new StdioLineTransport({
      maxMessageBytes: 1024,
      maxDepth: 8,
      log: createLogger({ level: 'silent' }),
      stdin,
      stdout: output.stream,
    });
    await transport.start();
    // Every line is refused with an answer; the client writes 2,000 of them and reads none.
    for (let i = 0; i < 2_000; i++) stdin.write('not json\n');
    await tick();
    expect(stdin.isPaused()).toBe(true);
    const whileStalled = output.written.length;
    expect(whileStalled).toBeLessThan(50);
    for (let round = 0; round < 10_000 && output.written.length < 2_000; round++) {
      output.release();
      await tick();
    }
    expect(output.written.length).toBe(2_000);
    expect(output.written.every((line) => line.includes('"code":-32700'))).toBe(true);
    await transport.close();
  });
});
