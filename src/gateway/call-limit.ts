import type { AuthInfo } from '@modelcontextprotocol/server';
import type { MiddlewareHandler } from 'hono';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditSink } from '../core/audit.js';
import type { Metrics } from '../core/metrics.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../guards/limits.js';
import { jsonError } from './json-error.js';
import { callCount, callLabel, carriesRpcBody, type RpcBody, readRpcBody } from './rpc-body.js';

export type CallLimitVariables = { authInfo: AuthInfo; rpcBody: RpcBody | undefined };

export interface CallLimitOptions {
  /** Points are calls: a request costs the JSON-RPC messages it holds (`callCount`). */
  readonly limiter: RateLimiterAbstract;
  readonly maxRequestBytes: number;
  readonly metrics: Metrics;
  readonly audit: AuditSink;
  /** The server a path names, for metrics and audit: only mounted names, so that no caller can mint series. */
  readonly serverLabel: (name: string) => string;
}

/** The MCP handler's own answers to a body it cannot take, with the gateway's setting named. */
function rpcError(status: 400 | 413, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}

/** Takes `points` from the client's budget; the refusal when that passes it (the points still count). */
async function charge(
  limiter: RateLimiterAbstract,
  client: string,
  points: number,
): Promise<RateLimiterRes | undefined> {
  try {
    await limiter.consume(client, points);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

/**
 * Rate-limits /mcp/<name> per client by the calls a request holds, not by HTTP requests: each JSON-RPC message
 * of a batch costs one point. The request's first point is taken before its body is read, so a client past its
 * limit is refused without the gateway reading anything; the rest once the body is read (once, under the size
 * cap). A request that passes the budget is refused whole, with 429 and Retry-After, counted in /metrics and
 * written to the audit log; its calls still count until the window ends, so retrying harder gets nothing more
 * through. A body over the size cap costs its one point too.
 */
export function limitCalls(options: CallLimitOptions): MiddlewareHandler<{ Variables: CallLimitVariables }> {
  return async (c, next) => {
    const started = Date.now();
    const client = c.get('authInfo').clientId;
    const refuse = (rejection: RateLimiterRes, calls: number, body: RpcBody | undefined) => {
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      const server = options.serverLabel(c.req.param('name') ?? '');
      const message = `too many calls (this request holds ${calls}); retry in ${seconds} s`;
      options.metrics.rateLimited({ server, client, calls });
      options.audit.record({
        ts: new Date(started).toISOString(),
        server,
        tool: body === undefined ? '(unread)' : callLabel(body),
        client,
        args: {},
        outcome: 'rate_limited',
        ms: Date.now() - started,
        message,
        calls,
      });
      return jsonError(429, 'rate_limited', message, { 'retry-after': String(seconds) });
    };

    const first = await charge(options.limiter, client, 1);
    if (first) return refuse(first, 1, undefined);
    const body = carriesRpcBody(c.req.raw)
      ? await readRpcBody(c.req.raw, options.maxRequestBytes)
      : undefined;
    const calls = callCount(body);
    const rest = calls > 1 ? await charge(options.limiter, client, calls - 1) : undefined;
    if (rest) return refuse(rest, calls, body);
    if (body?.kind === 'too-large') {
      const limit = `Payload Too Large: Request body must not exceed ${options.maxRequestBytes} bytes (maxRequestBytes)`;
      return rpcError(413, -32000, limit);
    }
    if (body?.kind === 'unreadable')
      return rpcError(400, -32700, 'Parse error: the request body could not be read');
    if (body?.kind === 'parsed' && exceedsJsonDepth(body.value, MAX_JSON_DEPTH))
      return rpcError(400, -32000, tooDeepMessage('request body'));
    c.set('rpcBody', body);
    await next();
  };
}
