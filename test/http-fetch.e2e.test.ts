import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, type Session } from './helpers/mcp.js';
import { fakeDns, type LocalServer, startServer } from './helpers/web.js';

const PAGE = `<!doctype html><html><head><title>Docs</title><script>alert(1)</script></head>
<body><h1>Getting started</h1><p>Install with <code>npm i rampart</code>, then read <a href="/guide">the guide</a>.</p>
<ul><li>one</li><li>two</li></ul></body></html>`;
const LONG = 'é😀abcdefghij'.repeat(500);

let site: LocalServer;
let web: Session;

beforeAll(async () => {
  site = await startServer('127.0.0.2', (req, res, body) => {
    const send = (type: string, text: string) => {
      res.setHeader('content-type', type);
      res.end(text);
    };
    if (req.url === '/page') return send('text/html; charset=utf-8', PAGE);
    if (req.url === '/data') return send('application/json', '{"b":[1,2],"a":{"c":null}}');
    if (req.url === '/long') return send('text/plain; charset=utf-8', LONG);
    if (req.url === '/png') return send('image/png', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR');
    if (req.url === '/echo') return send('text/plain', `${req.method} ${body}`);
    res.statusCode = 404;
    return send('text/plain', 'not here');
  });
  web = await connectHttp(
    { allowPrivate: ['127.0.0.2/32'], allowMethods: ['GET', 'HEAD', 'POST'] },
    fakeDns({ 'docs.test': [['127.0.0.2']] }),
  );
});

afterAll(async () => {
  await web?.close();
  await site?.close();
});

const url = (path: string) => `http://docs.test:${site.port}${path}`;

describe('http server: fetch', () => {
  it('returns HTML as Markdown, without scripts', async () => {
    const result = await web.call('fetch', { url: url('/page') });
    expect(result.structured).toMatchObject({ status: 200, format: 'markdown' });
    const content = String(result.structured?.content);
    expect(content).toContain('# Getting started');
    expect(content).toContain('[the guide](/guide)');
    expect(content).toContain('`npm i rampart`');
    expect(content).not.toContain('alert(1)');
  });

  it('returns the HTML itself with raw=true', async () => {
    const result = await web.call('fetch', { url: url('/page'), raw: true });
    expect(result.structured).toMatchObject({ format: 'text' });
    expect(String(result.structured?.content)).toContain('<h1>Getting started</h1>');
  });

  it('pretty-prints JSON', async () => {
    const result = await web.call('fetch', { url: url('/data') });
    expect(result.structured).toMatchObject({ format: 'json' });
    expect(result.structured?.content).toBe(JSON.stringify({ b: [1, 2], a: { c: null } }, null, 2));
  });

  it('pages long content with start_index, never splitting a character', async () => {
    let start = 0;
    let text = '';
    for (let pages = 0; pages < 100; pages++) {
      const result = await web.call('fetch', { url: url('/long'), max_length: 999, start_index: start });
      const r = result.structured as { content: string; nextStartIndex?: number; totalLength: number };
      expect(r.totalLength).toBe(LONG.length);
      text += r.content;
      if (r.nextStartIndex === undefined) break;
      expect(result.text).toContain(`start_index=${r.nextStartIndex}`);
      start = r.nextStartIndex;
    }
    expect(text).toBe(LONG);
  });

  it('describes binary content instead of showing it', async () => {
    const result = await web.call('fetch', { url: url('/png') });
    expect(result.structured).toMatchObject({ format: 'binary' });
    expect(result.structured?.content).toMatch(/bytes of image\/png content, not shown/);
  });

  it('reports an error status as an answer, not a failure', async () => {
    const result = await web.call('fetch', { url: url('/missing') });
    expect(result.isError).toBe(false);
    expect(result.structured).toMatchObject({ status: 404, content: 'not here' });
  });

  it('sends a body with an allowed method', async () => {
    const result = await web.call('fetch', { url: url('/echo'), method: 'POST', body: 'hello' });
    expect(result.structured).toMatchObject({ content: 'POST hello' });
  });

  it('names an unresolvable host', async () => {
    const result = await web.call('fetch', { url: 'http://nowhere.test/' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/does not resolve/);
  });

  it('refuses to start when a credential names an unset environment variable, and says which', async () => {
    await expect(
      connectHttp({
        credentials: [{ host: 'api.example.com', bearer: { env: 'RAMPART_TEST_UNSET_TOKEN' } }],
      }),
    ).rejects.toThrow(
      'credentials for api.example.com: environment variable RAMPART_TEST_UNSET_TOKEN is not set',
    );
  });
});
