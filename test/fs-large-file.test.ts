import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, spawnRampart } from './helpers/mcp.js';
import { type Layout, makeLayout } from './helpers/sandbox.js';

const GIB = 1024 ** 3;
const MAX_RESULT_BYTES = 256 * 1024;

function lines(from: number, to: number): string {
  let text = '';
  for (let i = from; i <= to; i++) text += `line ${i}\n`;
  return text;
}

/** Peak resident memory of a process, from the kernel's high-water mark. */
function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kib) * 1024;
}

describe.runIf(process.platform === 'linux')('a 1 GiB file', () => {
  let layout: Layout;
  let fs: Session & { pid: number };

  beforeAll(async () => {
    layout = makeLayout();
    // 1,000 lines, a 1 GiB hole (one enormous line of NULs), then 1,000 more lines: sparse, so it is quick to make.
    const fd = openSync(path.join(layout.root, 'huge.log'), 'w');
    writeSync(fd, lines(1, 1000));
    const tail = lines(1001, 2000);
    writeSync(fd, `\n${tail}`, GIB - Buffer.byteLength(tail) - 1);
    closeSync(fd);
    fs = await spawnRampart(['fs', layout.root, '--max-result-bytes', String(MAX_RESULT_BYTES)]);
  });

  afterAll(async () => {
    await fs?.close();
    layout?.cleanup();
  });

  it('answers head and tail in bounded memory', async () => {
    expect((await fs.call('read_text_file', { path: 'huge.log', head: 3 })).text).toBe(
      'line 1\nline 2\nline 3',
    );
    expect((await fs.call('read_text_file', { path: 'huge.log', tail: 2 })).text).toBe(
      'line 1999\nline 2000',
    );
    expect((await fs.call('read_text_file', { path: 'huge.log', offset: 10, limit: 2 })).text).toBe(
      'line 11\nline 12',
    );
    const peak = peakRssBytes(fs.pid);
    console.log(`peak RSS of the server after head/tail on 1 GiB: ${(peak / 1024 ** 2).toFixed(1)} MiB`);
    expect(peak).toBeLessThan(200 * 1024 ** 2);
  });

  it('cuts an oversized read with a marker that says how to continue, and continuing works', async () => {
    const whole = await fs.call('read_text_file', { path: 'huge.log' });
    expect(whole.isError).toBe(false);
    expect(whole.structured).toMatchObject({ truncated: true, nextOffset: 1000 });
    expect(whole.text).toMatch(
      /\[truncated at the result size limit; call read_text_file again with offset=1000 to continue\]$/,
    );
    expect(Buffer.byteLength(whole.text)).toBeLessThanOrEqual(MAX_RESULT_BYTES);
    const giant = await fs.call('read_text_file', { path: 'huge.log', offset: 1000, limit: 1 });
    expect(giant.structured).toMatchObject({ truncated: true });
    expect(Buffer.byteLength(giant.text)).toBeLessThanOrEqual(MAX_RESULT_BYTES);
    expect(peakRssBytes(fs.pid)).toBeLessThan(200 * 1024 ** 2);
  });

  it('refuses to load it whole for an edit', async () => {
    const edit = await fs.call('edit_file', {
      path: 'huge.log',
      edits: [{ oldText: 'line 1\n', newText: 'x\n' }],
    });
    expect(edit).toMatchObject({
      isError: true,
      text: `path "huge.log" is ${GIB} bytes; edit_file handles files up to 16777216 bytes`,
    });
  });
});
