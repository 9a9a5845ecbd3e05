import { INVALID_PARAMS, ProtocolError } from '@modelcontextprotocol/server';
import type { AuditRecord } from './audit.js';
import { CallBudget } from './budget.js';
import { failureOutcome, type Runtime } from './envelope.js';
import { Cancelled, toSafeFailure } from './errors.js';
import { errorFields } from './log.js';

/** Longest URI kept in an audit record: a read names its resource, it does not carry a payload. */
const MAX_AUDITED_URI = 1_024;

/** Who asked for a resource or prompt, and the request's cancellation. */
export interface ReadInfo {
  readonly server: string;
  readonly client: string;
  readonly signal: AbortSignal;
}

/** What the audit record calls the read: `resource:<name>` or `prompt:<name>`, and the URI read (if any). */
export interface ReadSubject {
  readonly tool: string;
  readonly uri?: string;
}

function auditedArgs(subject: ReadSubject): Record<string, unknown> {
  if (subject.uri === undefined) return {};
  const uri = subject.uri;
  return { uri: uri.length > MAX_AUDITED_URI ? `${uri.slice(0, MAX_AUDITED_URI)}…` : uri };
}

/**
 * A resource read or prompt get under the same rules as a tool call: the call's time budget and the client's
 * cancellation, one audit record (ok, refused, error, timeout or cancelled), and any failure mapped to one safe
 * protocol error line.
 */
export async function auditedRead<T>(
  subject: ReadSubject,
  info: ReadInfo,
  runtime: Runtime,
  read: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const audit = (outcome: AuditRecord['outcome'], message?: string) => {
    if (!runtime.audit.enabled) return;
    runtime.audit.record({
      ts: new Date().toISOString(),
      server: info.server,
      tool: subject.tool,
      client: info.client,
      args: auditedArgs(subject),
      outcome,
      ms: Math.round(performance.now() - started),
      ...(message ? { message } : {}),
    });
  };
  const budget = new CallBudget(info.signal, runtime.limits.timeoutMs);
  try {
    if (info.signal.aborted) throw new Cancelled('cancelled by the client');
    const result = await Promise.race([read(budget.signal), budget.expired]);
    audit('ok');
    return result;
  } catch (error) {
    const failure = toSafeFailure(error);
    const outcome = failureOutcome(error, failure, budget, info.signal);
    if (!failure.expected) runtime.log.error(`${subject.tool} failed`, errorFields(error));
    audit(outcome, failure.message);
    throw new ProtocolError(INVALID_PARAMS, failure.message);
  } finally {
    budget.dispose();
  }
}
