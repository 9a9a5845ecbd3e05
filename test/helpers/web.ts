import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resolver } from '../../src/guards/net-dial.js';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A web server on one loopback address that records every request it gets. */
export interface LocalServer {
  readonly host: string;
  readonly port: number;
  /** `http://<host>:<port>` (IPv6 hosts bracketed). */
  readonly origin: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** Starts a server on `host` (a 127.0.0.0/8 address or ::1), on `port` or any free one. */
export async function startServer(host: string, handler: Handler, port = 0): Promise<LocalServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    host,
    port: bound,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A stand-in for DNS: each name answers its addresses in turn, one answer per lookup (the last one repeats). */
export function fakeDns(names: Record<string, readonly string[][]>): Resolver & { lookups: string[] } {
  const lookups: string[] = [];
  const count = new Map<string, number>();
  const resolver = async (host: string) => {
    lookups.push(host);
    const answers = names[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const n = count.get(host) ?? 0;
    count.set(host, n + 1);
    const answer = answers[Math.min(n, answers.length - 1)] as string[];
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { lookups });
}

/**
 * The names the SSRF suites resolve: two permitted loopback hosts, one internal (127.0.0.1, never permitted) and
 * one that answers a permitted and an internal address at once (a rebinding). A fresh resolver each call.
 */
export function ssrfDns(): Resolver & { lookups: string[] } {
  return fakeDns({
    'permitted.test': [['127.0.0.2']],
    'other.test': [['127.0.0.3']],
    'internal.test': [['127.0.0.1']],
    'mixed.test': [['127.0.0.2', '127.0.0.1']],
  });
}

/** URLs of schemes the guarded client never fetches, for both SSRF suites. */
export const REFUSED_SCHEMES = [
  'file:///etc/passwd',
  'gopher://127.0.0.1:70/_x',
  'data:text/plain,hello',
  'ftp://permitted.test/x',
] as const;
