import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

const MiB = 1024 * 1024;

export interface FloodResult {
  readonly status: number;
  readonly body: string;
  readonly connection: string | undefined;
  /** Bytes the server's socket accepted before it answered or closed (kernel buffers included). */
  readonly written: number;
}

/**
 * POSTs `bytes` bytes without holding them: one 64 KiB chunk written again and again, with back-pressure, until
 * everything is sent or the server answers or closes. `chunked` sends no Content-Length, so the server cannot
 * refuse on the header and must cut the stream off itself.
 */
export function flood(
  url: string,
  options: { bytes: number; chunked: boolean; headers: Record<string, string> },
): Promise<FloodResult> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  chunk.write('{"schema":"');
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        ...options.headers,
        ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': options.bytes }),
      },
    });
    const written = () => req.socket?.bytesWritten ?? 0;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (data) => {
        body += data;
      });
      res.on('error', () => undefined);
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          connection: res.headers.connection,
          written: written(),
        }),
      );
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let sent = 0;
    const pump = () => {
      while (!answered && !req.destroyed && sent < options.bytes) {
        const piece = Math.min(chunk.length, options.bytes - sent);
        sent += piece;
        if (!req.write(piece === chunk.length ? chunk : chunk.subarray(0, piece))) {
          req.once('drain', pump);
          return;
        }
      }
      if (sent >= options.bytes) req.end();
    };
    pump();
  });
}

/** Runs `work` while sampling this process's resident set size; the peak growth in MiB over the start. */
export async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthMiB: (peak - start) / MiB };
  } finally {
    clearInterval(sampler);
  }
}

/** A raw TCP connection to an http:// URL's host and port. */
export function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Milliseconds until the server closes `socket`, or undefined when it is still open after `withinMs`. */
export function closedWithin(socket: Socket, withinMs: number): Promise<number | undefined> {
  const began = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, withinMs);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - began);
    });
  });
}
