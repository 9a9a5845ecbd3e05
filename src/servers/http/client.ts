import type { Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import { Refusal } from '../../core/errors.js';
import {
  headerInjection,
  type NetPolicy,
  type PermittedRange,
  sameOrigin,
  UrlChecker,
} from '../../guards/net.js';
import { checkedLookup, ForbiddenAddress, type Resolver, systemResolver } from '../../guards/net-dial.js';
import type { Credentials } from './credentials.js';
import { Stop } from './stop.js';

export interface ClientPolicy extends NetPolicy {
  readonly allowMethods: readonly string[];
  /** Request headers a caller may set (lower case); everything else is refused. */
  readonly allowHeaders: readonly string[];
  readonly maxRedirects: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** The whole exchange, redirects and body included: a server that trickles bytes is stopped here. */
  readonly totalTimeoutMs: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly userAgent: string;
}

export interface OutboundRequest {
  readonly url: string;
  readonly method: string;
  /** Headers the caller (the model) chose: held to the header allowlist. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Headers the operator's OpenAPI spec declares for the operation: not held to the allowlist. */
  readonly declaredHeaders?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface InboundResponse {
  /** Where the body finally came from, after redirects. */
  readonly url: URL;
  readonly status: number;
  /** The response's Content-Type, or '' when it has none. */
  readonly contentType: string;
  readonly body: Buffer;
  /** True when the body was cut at maxResponseBytes (the rest was never read). */
  readonly truncated: boolean;
  readonly redirects: number;
}

type Undici = typeof import('undici');
let undici: Undici | undefined;
/** undici, loaded on the first request: it is a quarter of the http server's start-up otherwise. */
async function loadUndici(): Promise<Undici> {
  undici ??= await import('undici');
  return undici;
}

/** Headers that carry the caller's authority: they never follow a redirect to another origin. */
const ORIGIN_BOUND = new Set(['authorization', 'cookie', 'proxy-authorization']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The one way Rampart's http server leaves the machine: every URL checked before it is requested, every address
 * checked when it is dialled (and only checked addresses dialled), redirects followed by hand and re-checked,
 * headers allowlisted, credentials added per origin, sizes capped while streaming, and a deadline on the whole.
 */
export class GuardedClient {
  private agent: Agent | undefined;
  private readonly agentOptions: Agent.Options;
  private readonly allowHeaders: ReadonlySet<string>;
  private readonly urls: UrlChecker;

  constructor(
    private readonly policy: ClientPolicy,
    permitted: readonly PermittedRange[],
    private readonly credentials: Credentials,
    resolver: Resolver = systemResolver,
  ) {
    this.allowHeaders = new Set(policy.allowHeaders.map((h) => h.toLowerCase()));
    this.urls = new UrlChecker(policy, permitted);
    this.agentOptions = {
      connect: { lookup: checkedLookup(resolver, permitted), timeout: policy.connectTimeoutMs },
      headersTimeout: policy.headersTimeoutMs,
      bodyTimeout: policy.totalTimeoutMs,
    };
  }

  async send(outbound: OutboundRequest): Promise<InboundResponse> {
    const method = outbound.method.toUpperCase();
    if (!this.policy.allowMethods.includes(method))
      throw new Refusal(`method ${method} is not allowed (allowed: ${this.policy.allowMethods.join(', ')})`);
    const headers = {
      ...this.callerHeaders(outbound.headers ?? {}),
      ...checked(outbound.declaredHeaders ?? {}),
    };
    const body = outbound.body;
    if (body !== undefined && Buffer.byteLength(body) > this.policy.maxRequestBytes)
      throw new Refusal(
        `body is ${Buffer.byteLength(body)} bytes; the limit is ${this.policy.maxRequestBytes}`,
      );

    const stop = new Stop(outbound.signal, this.policy.totalTimeoutMs);
    try {
      return await this.follow(outbound.url, method, headers, body, stop);
    } catch (error) {
      throw explain(error, stop.reason);
    } finally {
      stop.dispose();
    }
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  private callerHeaders(given: Readonly<Record<string, string>>): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [rawName, value] of Object.entries(given)) {
      const name = rawName.toLowerCase();
      if (!this.allowHeaders.has(name))
        throw new Refusal(
          `header "${rawName}" is not allowed (allowed: ${[...this.allowHeaders].join(', ')})`,
        );
      assertHeaderSafe(rawName, value);
      headers[name] = value;
    }
    return headers;
  }

  private async follow(
    start: string,
    startMethod: string,
    callerHeaders: Record<string, string>,
    startBody: string | undefined,
    stop: Stop,
  ): Promise<InboundResponse> {
    let target = this.check(start, 'url');
    const origin = target.url;
    let method = startMethod;
    let body = startBody;
    let seen: Set<string> | undefined; // made on the first redirect: most exchanges have none
    const { request, Agent } = undici ?? (await loadUndici());
    this.agent ??= new Agent(this.agentOptions);
    for (let redirects = 0; ; redirects++) {
      const headers: Record<string, string> = { 'user-agent': this.policy.userAgent };
      for (const [name, value] of Object.entries(callerHeaders)) {
        if (ORIGIN_BOUND.has(name) && !sameOrigin(origin, target.url)) continue;
        headers[name] = value;
      }
      if (stop.reason) throw stop.reason;
      const url = this.credentials.apply(target.url, headers);
      const response = await request(url, {
        dispatcher: this.agent,
        method: method as 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: stop,
      }).catch((error: unknown) => {
        const forbidden = forbiddenCause(error);
        if (!forbidden) throw error;
        const what = redirects > 0 ? 'redirect to' : 'url';
        throw new Refusal(`${what} "${target.url.href.slice(0, 200)}" refused: ${forbidden.message}`);
      });
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        if (redirects >= this.policy.maxRedirects)
          throw new Refusal(
            `more than ${this.policy.maxRedirects} redirects; stopped at ${target.url.origin}`,
          );
        let nextUrl: string;
        try {
          nextUrl = new URL(location, target.url).href;
        } catch {
          throw new Refusal(`the server redirected to "${location.slice(0, 200)}", which is not a URL`);
        }
        const next = this.check(nextUrl, 'redirect to');
        seen ??= new Set([target.url.href]);
        seen.add(target.url.href);
        if (seen.has(next.url.href))
          throw new Refusal(`redirect loop at ${next.url.origin}${next.url.pathname}`);
        if (
          response.statusCode === 303 ||
          ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')
        ) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
        }
        target = next;
        continue;
      }
      const { bytes, truncated } = await readBody(response, this.policy.maxResponseBytes);
      return {
        url: target.url,
        status: response.statusCode,
        contentType: firstValue(response.headers['content-type']),
        body: bytes,
        truncated,
        redirects,
      };
    }
  }

  /** The URL's verdict; a refusal names the URL (`url "…"` or `redirect to "…"`) and the reason. */
  private check(url: string, what: 'url' | 'redirect to') {
    const verdict = this.urls.check(url);
    if (!verdict.ok) throw new Refusal(`${what} "${url.slice(0, 200)}" refused: ${verdict.reason}`);
    return verdict.value;
  }
}

/** A header that would split the request (CR, LF or NUL in its name or value) is refused, named as given. */
function assertHeaderSafe(name: string, value: string): void {
  if (headerInjection(value) || headerInjection(name))
    throw new Refusal(`header "${name}" contains a line break or NUL, which is not allowed`);
}

function checked(headers: Readonly<Record<string, string>>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) assertHeaderSafe(name, value);
  return { ...headers };
}

/**
 * The body, never more than `maxBytes` of it. A declared Content-Length within the cap is read whole (undici
 * holds the server to it: more bytes than declared is a protocol error); anything else is streamed and cut.
 */
async function readBody(
  response: Dispatcher.ResponseData,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const declared = Number(firstValue(response.headers['content-length']) || Number.NaN);
  if (Number.isSafeInteger(declared) && declared <= maxBytes)
    return { bytes: Buffer.from(await response.body.arrayBuffer()), truncated: false };
  return readCapped(response.body, maxBytes);
}

/** The body up to `maxBytes`; past it the stream is destroyed, so the rest is never downloaded. */
function readCapped(body: Readable, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  // Events rather than `for await`: async iteration costs several promises a chunk, which on small loopback
  // responses was most of the client's overhead.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size + chunk.length <= maxBytes) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, maxBytes - size));
      size = maxBytes;
      body.off('data', onData);
      body.off('error', reject);
      body.on('error', () => undefined);
      body.destroy();
      resolve({ bytes: Buffer.concat(chunks, size), truncated: true });
    };
    body.on('data', onData);
    body.once('error', reject);
    body.once('end', () => resolve({ bytes: Buffer.concat(chunks, size), truncated: false }));
  });
}

function firstValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The address refusal behind a failed connection, wherever undici wrapped it. */
function forbiddenCause(error: unknown): ForbiddenAddress | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof ForbiddenAddress) return e;
  return undefined;
}

/** A failed exchange as one line the model can act on; the cause chain is searched for the real reason. */
function explain(error: unknown, stopped: Refusal | undefined): unknown {
  if (error instanceof Refusal) return error;
  const forbidden = forbiddenCause(error);
  if (forbidden) return new Refusal(forbidden.message);
  if (stopped) return stopped;
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).code ??
    (error as { cause?: { code?: unknown } }).cause?.code;
  // undici's error codes rather than its classes, so that explaining a failure does not need undici loaded.
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new Refusal('could not connect in time');
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new Refusal('the server sent no response headers in time');
  if (code === 'UND_ERR_BODY_TIMEOUT') return new Refusal('the server stopped sending the body');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new Refusal('the host name does not resolve');
  if (code === 'ECONNREFUSED') return new Refusal('the connection was refused');
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')
    return new Refusal('the connection was closed by the server');
  return error;
}
