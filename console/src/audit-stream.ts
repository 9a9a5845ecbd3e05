import { consoleFetch } from './api';

/** One audit record as the gateway's audit log writes it (arguments already redacted by the gateway). */
export interface AuditEntry {
  readonly seq: number;
  readonly ts: string;
  readonly server: string;
  readonly tool: string;
  readonly client: string;
  readonly args: unknown;
  readonly outcome: string;
  readonly ms: number;
  readonly message?: string;
}

export type StreamState =
  | { readonly status: 'connecting' }
  | { readonly status: 'live' }
  | { readonly status: 'reconnecting'; readonly reason: string; readonly retryInMs: number }
  | { readonly status: 'stopped'; readonly reason: string };

export interface AuditFollower {
  readonly onEntry: (entry: AuditEntry) => void;
  readonly onState: (state: StreamState) => void;
}

/** A frame's record and its id: `<epoch>.<seq>`, the epoch naming the gateway process that numbered it. */
function entryOf(id: string | undefined, data: string): { epoch: string; entry: AuditEntry } | undefined {
  try {
    const record = JSON.parse(data) as Omit<AuditEntry, 'seq'>;
    const [epoch = '', number] = (id ?? '').split('.');
    const seq = Number(number);
    if (!Number.isSafeInteger(seq) || typeof record !== 'object' || record === null) return undefined;
    return { epoch, entry: { ...record, seq } };
  } catch {
    return undefined;
  }
}

/** The events of one Server-Sent Events text block: each `event: audit` frame's id and data. */
function* framesOf(block: string): Generator<{ id?: string; data: string }> {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (event === 'audit' && data.length > 0)
    yield { ...(id === undefined ? {} : { id }), data: data.join('\n') };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows the gateway's live audit stream until the returned function is called, reconnecting with a growing
 * delay when the connection drops. It is read with fetch rather than EventSource so that it carries the
 * session's CSRF header like every other console request. A record seen before a reconnect is not repeated.
 */
export function followAudit({ onEntry, onState }: AuditFollower): () => void {
  const stop = new AbortController();
  let lastSeq = 0;
  let lastEpoch = '';
  void (async () => {
    let delay = 1_000;
    while (!stop.signal.aborted) {
      let reason = 'the connection closed';
      try {
        const response = await consoleFetch('/console/api/audit/stream', { signal: stop.signal });
        if (response.status === 401) {
          onState({ status: 'stopped', reason: 'signed out' });
          return;
        }
        if (!response.ok || !response.body) throw new Error(`the gateway answered ${response.status}`);
        onState({ status: 'live' });
        delay = 1_000;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let text = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += value;
          const blocks = text.split('\n\n');
          text = blocks.pop() ?? '';
          for (const block of blocks)
            for (const { id, data } of framesOf(block)) {
              const fed = entryOf(id, data);
              if (!fed) continue;
              if (fed.epoch !== lastEpoch) [lastEpoch, lastSeq] = [fed.epoch, 0];
              if (fed.entry.seq > lastSeq) {
                lastSeq = fed.entry.seq;
                onEntry(fed.entry);
              }
            }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        reason = (error as Error).message || reason;
      }
      if (stop.signal.aborted) return;
      onState({ status: 'reconnecting', reason, retryInMs: delay });
      await sleep(delay, stop.signal);
      delay = Math.min(delay * 2, 15_000);
    }
  })();
  return () => stop.abort();
}
