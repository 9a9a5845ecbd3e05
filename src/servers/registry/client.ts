import { readFileSync } from 'node:fs';
import type { Agent, Dispatcher } from 'undici';
import { Refusal } from '../../core/errors.js';
import { hideUrlPassword } from '../../guards/redact.js';
import type { RegistryEntry } from './config.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** An error answer from a registry: Confluent's error code and message, passed on to the model. */
export class RegistryApiError extends Refusal {
  constructor(
    readonly registry: string,
    readonly status: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`registry ${registry}: ${message}${code ? ` (error ${code})` : ` (HTTP ${status})`}`);
  }
}

/**
 * One configured registry over its REST API: credentials, TLS verification (its own CA and client certificate
 * when configured), a time limit per request, and Confluent's error bodies turned into clear refusals.
 */
export class RegistryClient {
  /** undici loads on the first request, not at start (issue 23); the TLS files are read at start all the same. */
  private dispatcher: Promise<Agent> | undefined;
  private readonly connect: Agent.Options['connect'];
  private readonly authorization: string | undefined;

  constructor(
    readonly entry: RegistryEntry,
    private readonly timeoutMs: number,
  ) {
    const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
    this.connect = {
      ...(entry.tlsCa ? { ca: read(entry.tlsCa) } : {}),
      ...(entry.tlsCert ? { cert: read(entry.tlsCert) } : {}),
      ...(entry.tlsKey ? { key: read(entry.tlsKey) } : {}),
      rejectUnauthorized: true,
    };
    this.authorization = entry.token
      ? `Bearer ${entry.token}`
      : entry.username !== undefined
        ? `Basic ${Buffer.from(`${entry.username}:${entry.password ?? ''}`).toString('base64')}`
        : undefined;
  }

  get name(): string {
    return this.entry.name;
  }

  describe(): string {
    return hideUrlPassword(this.entry.url);
  }

  async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const url = new URL(
      path.replace(/^\//, ''),
      this.entry.url.endsWith('/') ? this.entry.url : `${this.entry.url}/`,
    );
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      const { request } = await import('undici');
      response = await request(url, {
        method,
        dispatcher: await this.agent(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: {
          accept: `${CONTENT_TYPE}, application/json`,
          ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }),
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const reason = timeout.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : ((error as { code?: string }).code ?? (error as Error).message);
      throw new RegistryApiError(this.name, 0, undefined, `cannot reach ${this.describe()}: ${reason}`);
    }
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (response.statusCode >= 400) {
      const error = parsed as { error_code?: number; message?: string } | undefined;
      throw new RegistryApiError(
        this.name,
        response.statusCode,
        typeof error?.error_code === 'number' ? error.error_code : undefined,
        typeof error?.message === 'string' ? error.message : `HTTP ${response.statusCode}`,
      );
    }
    return parsed as T;
  }

  private agent(): Promise<Agent> {
    this.dispatcher ??= import('undici').then(({ Agent }) => new Agent({ connect: this.connect }));
    return this.dispatcher;
  }

  async close(): Promise<void> {
    await (await this.dispatcher)?.close();
  }
}
