import { describe, expect, it } from 'vitest';
import { callsByServer } from '../../console/src/metrics.js';
import { Metrics } from '../../src/core/metrics.js';

describe("the console's reading of /metrics", () => {
  it('adds up the calls of each server by outcome, from what the gateway renders', () => {
    const metrics = new Metrics();
    const call = (
      server: string,
      tool: string,
      outcome: 'ok' | 'refused' | 'error' | 'timeout' | 'confirming',
    ) => metrics.observe({ server, tool, outcome, ms: 3 });
    call('fs', 'list_directory', 'ok');
    call('fs', 'list_directory', 'ok');
    call('fs', 'read_text_file', 'refused');
    call('fs', 'grep', 'timeout');
    call('fs', 'write_file', 'confirming');
    call('db', 'query', 'error');
    call('we"ird\\name', 'x', 'ok');
    metrics.rateLimited({ server: 'fs', client: 'local', calls: 5 });
    const calls = callsByServer(metrics.render());
    expect(calls.get('fs')).toEqual({ calls: 4, refused: 1, failed: 1 });
    expect(calls.get('db')).toEqual({ calls: 1, refused: 0, failed: 1 });
    expect(calls.get('we"ird\\name')).toEqual({ calls: 1, refused: 0, failed: 0 });
    expect(calls.size).toBe(3);
  });
});
