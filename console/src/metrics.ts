/** A server's tool calls since the gateway started, from its Prometheus counters. */
export interface ServerCalls {
  calls: number;
  /** Refused by the tool (outside the sandbox, invalid arguments…): the guard working, not a fault. */
  refused: number;
  /** Failed, timed out or cancelled. */
  failed: number;
}

const SERIES = /^rampart_tool_calls_total\{(.*)\} (\d+(?:\.\d+)?(?:e\+?\d+)?)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Calls by server from the text of /metrics (`rampart_tool_calls_total{server,tool,outcome}`). */
export function callsByServer(text: string): Map<string, ServerCalls> {
  const byServer = new Map<string, ServerCalls>();
  for (const line of text.split('\n')) {
    const match = SERIES.exec(line);
    if (!match) continue;
    const labels = new Map(
      [...(match[1] ?? '').matchAll(LABEL)].map((m) => [m[1], unescapeLabel(m[2] ?? '')]),
    );
    const server = labels.get('server');
    const outcome = labels.get('outcome');
    if (server === undefined || outcome === 'confirming') continue;
    const count = Number(match[2]);
    const entry = byServer.get(server) ?? { calls: 0, refused: 0, failed: 0 };
    entry.calls += count;
    if (outcome === 'refused') entry.refused += count;
    else if (outcome !== 'ok') entry.failed += count;
    byServer.set(server, entry);
  }
  return byServer;
}
