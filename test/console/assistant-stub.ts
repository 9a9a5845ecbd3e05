import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Imported by the HTTP and the browser tests: it imports nothing from src/ (see browser.ts).

/** What the stub answers the next chat completion with. */
export type StubMode =
  /** A valid spec (STUB_SPEC) and a reply. */
  | 'spec'
  /** A spec whose name climbs out of its folder, as a prompt injection would have the model write. */
  | 'hostile'
  /** Prose instead of JSON. */
  | 'prose'
  /** A valid spec whose reply holds markup. */
  | 'markup'
  /** 401, its body quoting the key as some endpoints do. */
  | 'refuse-key'
  /** Never answers. */
  | 'hang'
  /** 400 to response_format (an endpoint without JSON mode), the spec without it. */
  | 'no-json-mode';

export const STUB_SPEC = {
  kind: 'db',
  name: 'orders-server',
  description: 'Read-only access to the orders table',
  engine: 'postgres',
  schemas: ['public'],
} as const;
export const STUB_REPLY = 'A read-only db server over Postgres; the connection URL comes from DATABASE_URL.';
export const MARKUP = '<img src=x onerror=alert(1)>';

export interface ChatStub {
  /** The base URL to give RAMPART_LLM_BASE_URL (ends in /v1). */
  readonly url: string;
  mode: StubMode;
  /** The Authorization header of every request received, and nothing else about them. */
  readonly authorizations: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A chat.completion object as OpenAI's API answers it, with `content` as the assistant's message. */
function completion(model: string, content: string) {
  return {
    id: `chatcmpl-stub-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 900, completion_tokens: 60, total_tokens: 960 },
  };
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/**
 * A local OpenAI-compatible endpoint: POST /v1/chat/completions on a free loopback port, a real HTTP server the
 * real `openai` client talks to. What it answers is chosen by `mode`.
 */
export async function startChatStub(): Promise<ChatStub> {
  const authorizations: string[] = [];
  const stub = { mode: 'spec' as StubMode };
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      authorizations.push(req.headers.authorization ?? '');
      const body = await bodyOf(req);
      const model = String(body.model);
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      switch (stub.mode) {
        case 'spec':
          send(res, 200, completion(model, JSON.stringify({ reply: STUB_REPLY, spec: STUB_SPEC })));
          return;
        case 'markup':
          send(
            res,
            200,
            completion(model, JSON.stringify({ reply: `Here it is ${MARKUP}`, spec: STUB_SPEC })),
          );
          return;
        case 'hostile':
          send(
            res,
            200,
            completion(
              model,
              JSON.stringify({
                reply: 'As you asked.',
                spec: { kind: 'custom', name: '../../x', tools: [{ name: 'run' }] },
              }),
            ),
          );
          return;
        case 'prose':
          send(
            res,
            200,
            completion(model, 'Sure! Here is a server for your orders table: it reads the rows.'),
          );
          return;
        case 'refuse-key':
          send(res, 401, {
            error: {
              message: `Incorrect API key provided: ${key}. You can find your API key in your account.`,
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          });
          return;
        case 'hang':
          return;
        case 'no-json-mode':
          if (body.response_format !== undefined) {
            send(res, 400, {
              error: { message: "'response_format' is not supported", type: 'invalid_request_error' },
            });
            return;
          }
          send(res, 200, completion(model, JSON.stringify({ reply: STUB_REPLY, spec: STUB_SPEC })));
          return;
      }
    })().catch(() => send(res, 500, { error: { message: 'stub failed', type: 'server_error' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get mode() {
      return stub.mode;
    },
    set mode(mode: StubMode) {
      stub.mode = mode;
    },
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
