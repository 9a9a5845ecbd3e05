import { isJsonContentType } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { AuditRecord, AuditSink } from '../core/audit.js';
import { readCappedBody } from '../core/http-body.js';
import type { AssistantMessage, AssistantModel } from './console-assistant-model.js';
import { ASSISTANT_ENV, type AssistantSettings } from './console-assistant-settings.js';
import { consoleJson } from './console-headers.js';
import { consoleError, sessionOf } from './console-request.js';
import type { ConsoleSessions } from './console-session.js';

// serve.ts reads the settings at start and console.ts passes them on: both import them from here.
export { type AssistantSettings, assistantSettings } from './console-assistant-settings.js';

/** Assistant requests one principal may make in a rate-limit window, whatever the window's budget of calls. */
const ASSISTANT_CALLS_PER_WINDOW = 10;
const MAX_MESSAGES = 20;
const MAX_MESSAGE_CHARS = 8_000;
const MAX_BODY_BYTES = 64 * 1024;

const requestBody = z.object({
  messages: z
    .array(
      z.object({
        role: z.enum(['user', 'assistant']),
        content: z
          .string()
          .trim()
          .min(1, 'is empty')
          .max(MAX_MESSAGE_CHARS, `is longer than ${MAX_MESSAGE_CHARS} characters`),
      }),
    )
    .min(1, 'needs at least one message')
    .max(MAX_MESSAGES, `holds more than ${MAX_MESSAGES} messages; start a new conversation`)
    .refine((messages) => messages.at(-1)?.role === 'user', 'must end with a message of the person (user)'),
});

export interface AssistantApiOptions {
  readonly sessions: ConsoleSessions;
  readonly publicOrigin?: string | undefined;
  /** The gateway's limiter: each principal's assistant requests are counted in it under their own key. */
  readonly rateLimiter: RateLimiterAbstract;
  readonly audit: AuditSink;
  /** The chat endpoint, when the gateway's environment names one. */
  readonly settings?: AssistantSettings | undefined;
}

/** The conversation of a request body `{ messages: [{ role, content }] }`, or the refusal naming the problem. */
async function messagesOf(request: Request): Promise<AssistantMessage[] | Response> {
  if (!isJsonContentType(request.headers.get('content-type')))
    return consoleError(
      415,
      'invalid_request',
      'send a JSON body {"messages": [{"role": "user", "content": "…"}]}',
    );
  const read = await readCappedBody(request, MAX_BODY_BYTES);
  if (read.status === 'too-large')
    return consoleError(
      413,
      'invalid_request',
      `the assistant request is larger than ${MAX_BODY_BYTES / 1024} KiB`,
    );
  if (read.status !== 'read')
    return consoleError(400, 'invalid_request', 'the assistant request could not be read');
  let body: unknown;
  try {
    body = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return consoleError(400, 'invalid_request', 'the assistant request is not JSON');
  }
  const parsed = requestBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return consoleError(400, 'invalid_request', `${where}${issue?.message ?? 'invalid request'}`);
  }
  return parsed.data.messages;
}

/**
 * /console/api/assistant: GET says whether the assistant is configured (and the model's name, never the URL or
 * the key); POST asks the chat endpoint for a generator spec and answers `{ reply, spec }` with the spec
 * validated by the generator's own parser. Both need a console session (cookie, CSRF header, own Origin). Each
 * request is counted in the gateway's limiter per principal and recorded in the audit log as a console record
 * (tool `assistant`) without the conversation.
 */
export function assistantApi(options: AssistantApiOptions): Hono {
  const api = new Hono();
  const { sessions, publicOrigin, settings } = options;
  const cost = Math.max(1, Math.floor(options.rateLimiter.points / ASSISTANT_CALLS_PER_WINDOW));
  const asking = new Set<string>();
  let model: Promise<AssistantModel> | undefined;
  const audit = (
    client: string,
    started: number,
    messages: number,
    outcome: AuditRecord['outcome'],
    message?: string,
  ) =>
    options.audit.record({
      ts: new Date(started).toISOString(),
      server: 'console',
      tool: 'assistant',
      client,
      args: { messages },
      outcome,
      ms: Date.now() - started,
      ...(message ? { message } : {}),
    });

  api.get('/', (c) => {
    const session = sessionOf(c.req.raw, sessions, publicOrigin);
    if (session instanceof Response) return session;
    return consoleJson(settings ? { configured: true, model: settings.model } : { configured: false });
  });

  api.post('/', async (c) => {
    const started = Date.now();
    const session = sessionOf(c.req.raw, sessions, publicOrigin);
    if (session instanceof Response) return session;
    if (!settings)
      return consoleError(
        404,
        'not_configured',
        `the assistant is not enabled: set ${ASSISTANT_ENV.baseUrl}, ${ASSISTANT_ENV.apiKey} and ${ASSISTANT_ENV.model} where rampart serve runs`,
      );
    const messages = await messagesOf(c.req.raw);
    if (messages instanceof Response) return messages;
    const client = session.principal.clientId;
    if (asking.has(session.id))
      return consoleError(
        429,
        'busy',
        'this session is already waiting for the assistant; wait for its answer',
      );
    try {
      await options.rateLimiter.consume(`console:assistant:${client}`, cost);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      const message = `too many assistant requests; retry in ${seconds} s`;
      audit(client, started, messages.length, 'rate_limited', message);
      const refusal = consoleError(429, 'rate_limited', message);
      refusal.headers.set('retry-after', String(seconds));
      return refusal;
    }
    asking.add(session.id);
    try {
      model ??= import('./console-assistant-model.js').then((m) => new m.AssistantModel(settings));
      const [{ AssistantFailure }, assistant] = await Promise.all([
        import('./console-assistant-model.js'),
        model,
      ]);
      try {
        const answer = await assistant.ask(messages, c.req.raw.signal);
        audit(client, started, messages.length, 'ok');
        return consoleJson(answer);
      } catch (error) {
        if (!(error instanceof AssistantFailure)) throw error;
        audit(client, started, messages.length, error.outcome, error.logged);
        return consoleJson({ error: error.code, error_description: error.message }, error.status);
      }
    } finally {
      asking.delete(session.id);
    }
  });

  return api;
}
