import type { Readable, Writable } from 'node:stream';
import { type JSONRPCMessage, serializeMessage, type Transport } from '@modelcontextprotocol/server';
import { BoundedLineReader } from './line-reader.js';
import type { Logger } from './log.js';
import { type InboundLimits, readInbound } from './stdio-inbound.js';

export interface StdioTransportOptions extends InboundLimits {
  /** Where refused input is reported, at warn. */
  readonly log: Logger;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
}

/**
 * MCP over stdio (newline-delimited JSON-RPC) with hostile input answered instead of fatal: a line over
 * `maxMessageBytes` is discarded as it streams in and answered with an error naming the cap; a line that is not
 * JSON, not a JSON-RPC message, nested deeper than `maxDepth`, or a batch is answered as JSON-RPC 2.0 says; the
 * connection keeps serving. While stdout is backed up, stdin is paused, so a client that does not read cannot make
 * the server queue answers without bound.
 */
export class StdioLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private readonly reader: BoundedLineReader;
  private started = false;
  private closed = false;
  private drained: Promise<void> | undefined;

  constructor(private readonly options: StdioTransportOptions) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.reader = new BoundedLineReader(options.maxMessageBytes);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('StdioLineTransport already started');
    this.started = true;
    if (this.stdin.readableEnded || this.stdin.destroyed) setImmediate(this.onInputEnd);
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onInputError);
    this.stdin.on('end', this.onInputEnd);
    this.stdin.on('close', this.onInputEnd);
    this.stdout.on('error', this.onOutputError);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onInputError);
    this.stdin.off('end', this.onInputEnd);
    this.stdin.off('close', this.onInputEnd);
    // onOutputError stays attached: a write failing after close (the client is gone) must not crash the process.
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('StdioLineTransport is closed'));
    return this.write(serializeMessage(message));
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (const line of this.reader.push(bytes)) {
      if (this.closed) return;
      const inbound = readInbound(line, this.options);
      if (inbound.kind === 'message') this.onmessage?.(inbound.message);
      else if (inbound.kind === 'refused') {
        this.options.log.warn(inbound.warning, inbound.fields);
        if (inbound.reply) this.write(`${JSON.stringify(inbound.reply)}\n`).catch(this.report);
      }
    }
  };

  private readonly onInputError = (error: Error): void => {
    this.onerror?.(error);
  };

  private readonly onInputEnd = (): void => {
    this.close().catch(() => {});
  };

  private readonly onOutputError = (error: Error): void => {
    if (this.closed) return;
    this.onerror?.(error);
    this.close().catch(() => {});
  };

  private readonly report = (error: unknown): void => {
    if (!this.closed) this.onerror?.(error instanceof Error ? error : new Error(String(error)));
  };

  /** Writes one line; resolves once stdout has taken it (after a drain when it was backed up). */
  private write(line: string): Promise<void> {
    if (this.stdout.write(line)) return Promise.resolve();
    this.drained ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        this.stdout.off('drain', onDrain);
        this.stdout.off('error', settle);
        this.stdout.off('close', onClose);
        this.drained = undefined;
        if (!this.closed) this.stdin.resume();
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(new Error('stdout closed'));
      this.stdout.once('drain', onDrain);
      this.stdout.once('error', settle);
      this.stdout.once('close', onClose);
      this.stdin.pause();
    });
    return this.drained;
  }
}
