import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, type Session } from '../helpers/mcp.js';
import { type LocalServer, startServer } from '../helpers/web.js';

/** An API whose one operation answers JSON nested `depth` deep. */
function spec(origin: string) {
  return {
    openapi: '3.0.3',
    info: { title: 'Deep' },
    servers: [{ url: origin }],
    paths: {
      '/deep': {
        get: {
          operationId: 'getDeep',
          parameters: [{ name: 'depth', in: 'query', required: true, schema: { type: 'integer' } }],
        },
      },
    },
  };
}

let api: LocalServer;
let session: Session;

beforeAll(async () => {
  api = await startServer('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.pathname === '/openapi.json') return res.end(JSON.stringify(spec(api.origin)));
    const depth = Number(url.searchParams.get('depth'));
    res.end(`{"data":${'['.repeat(depth)}${']'.repeat(depth)}}`);
  });
  session = await connectHttp({ openapi: `${api.origin}/openapi.json`, allowPrivate: ['127.0.0.1/32'] });
});

afterAll(async () => {
  await session?.close();
  await api?.close();
});

describe('http: an API answering JSON nested deeper than the stack', () => {
  it('shows a response nested 3,000 deep as text instead of failing the call', async () => {
    const result = await session.call('get_deep', { depth: 3_000 });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ format: 'text' });
    expect(result.structured?.data).toBeUndefined();
  });

  it('still parses a response nested within the limit', async () => {
    const result = await session.call('get_deep', { depth: 100 });
    expect(result.structured).toMatchObject({ format: 'json' });
  });
});
