import type { ServerResponse } from 'node:http';

/** What a hostile server sends a client that must cap, time out and stop reading. */
export const HUGE_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Streams HUGE_BODY_BYTES of text as fast as the client reads, and reports how much was sent when the client
 * hung up, which tells whether the client stopped reading at its cap or downloaded everything.
 */
export function sendHugeBody(res: ServerResponse, onClosed: (sent: number) => void): void {
  res.setHeader('content-type', 'text/plain');
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  const pump = () => {
    while (sent < HUGE_BODY_BYTES) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => onClosed(sent));
  pump();
}

/** Sends one byte every 100 ms, forever: a body that never finishes, for the client's total deadline. */
export function trickle(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  const timer = setInterval(() => res.write('.'), 100);
  res.on('close', () => clearInterval(timer));
}
