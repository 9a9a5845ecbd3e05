import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CALL_BODY, CALL_HEADERS, replyProblem } from './reply.js';
import type { RunningServer } from './servers.js';

const CALL_TIMEOUT_MS = 30_000;

/** What one phase of load produced. */
export interface PhaseResult {
  /** Calls answered with the expected result. */
  readonly ok: number;
  /** Every other outcome, by kind (HTTP status, JSON-RPC error, connection error, timeout, ...). */
  readonly errors: ReadonlyMap<string, number>;
  /** From the first call sent to the last answer received. */
  readonly elapsedMs: number;
  /** Latency of each successful call, in milliseconds. */
  readonly latencies: readonly number[];
  /** CPU time this (load-generating) process used during the phase, in milliseconds. */
  readonly clientCpuMs: number;
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

function post(url: URL, agent: Agent, headers: Readonly<Record<string, string>>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers, timeout: CALL_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(CALL_BODY);
  });
}

function errorKind(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : (error as Error).message;
}

/**
 * A fixed number of clients, each one keep-alive connection to the server sending `tools/call` after
 * `tools/call` (the next as soon as the last is answered). The connections live until `close`, so a warm-up
 * phase and the measured phase after it use the same ones.
 */
export class ClientPool {
  private readonly agents: Agent[];
  private readonly headers: Readonly<Record<string, string>>;

  constructor(
    private readonly server: RunningServer,
    clients: number,
    private readonly root: string,
  ) {
    this.agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    this.headers = { ...CALL_HEADERS, ...server.headers };
  }

  /** Every client calls in a loop for `ms`; a call in flight when time is up is finished and counted. */
  async run(ms: number): Promise<PhaseResult> {
    const errors = new Map<string, number>();
    const latencies: number[] = [];
    let ok = 0;
    const fail = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const deadline = started + ms;
    const loop = async (agent: Agent) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        try {
          const answer = await post(this.server.endpoint, agent, this.headers);
          const took = performance.now() - sent;
          this.server.answered++;
          const problem = replyProblem(answer.status, answer.contentType, answer.body, this.root);
          if (problem === undefined) {
            ok++;
            latencies.push(took);
          } else fail(problem);
        } catch (error) {
          fail(errorKind(error));
        }
      }
    };
    await Promise.all(this.agents.map(loop));
    const elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { ok, errors, elapsedMs, latencies, clientCpuMs: (used.user + used.system) / 1000 };
  }

  /** One call on the first connection: undefined when answered as expected, else what is wrong (and the body). */
  async callOnce(): Promise<string | undefined> {
    const agent = this.agents[0];
    if (!agent) throw new Error('a pool with no clients');
    try {
      const answer = await post(this.server.endpoint, agent, this.headers);
      this.server.answered++;
      const problem = replyProblem(answer.status, answer.contentType, answer.body, this.root);
      return problem === undefined ? undefined : `${problem}: ${answer.body.slice(0, 300)}`;
    } catch (error) {
      return errorKind(error);
    }
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}

/** Error counts added up by kind. */
export function mergeErrors(...counts: readonly ReadonlyMap<string, number>[]): Map<string, number> {
  const all = new Map<string, number>();
  for (const errors of counts) {
    for (const [kind, n] of errors) all.set(kind, (all.get(kind) ?? 0) + n);
  }
  return all;
}

export const errorTotal = (errors: ReadonlyMap<string, number>) =>
  [...errors.values()].reduce((sum, n) => sum + n, 0);
