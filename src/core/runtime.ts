import { DEFAULT_LIMITS, type Limits } from '../guards/limits.js';
import { type AuditSink, noAudit, openAuditLog } from './audit.js';
import type { Runtime } from './envelope.js';
import { createLogger, type LogLevel } from './log.js';
import type { MetricsSink } from './metrics.js';

export interface RuntimeOptions {
  maxArgBytes?: number;
  maxResultBytes?: number;
  maxMessageBytes?: number | undefined;
  timeoutMs?: number;
  auditLog?: string | undefined;
  logLevel?: LogLevel;
  scope?: string;
  /** An audit sink shared with other runtimes (the gateway's one log for every server); overrides auditLog. */
  audit?: AuditSink;
  /** Where call counts and latencies go (the gateway's /metrics). */
  metrics?: MetricsSink;
}

/** The limits, logger and audit sink that every tool call of one process shares. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const limits: Limits = {
    maxArgBytes: options.maxArgBytes ?? DEFAULT_LIMITS.maxArgBytes,
    maxResultBytes: options.maxResultBytes ?? DEFAULT_LIMITS.maxResultBytes,
    timeoutMs: options.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
  };
  const log = createLogger({
    level: options.logLevel ?? 'info',
    ...(options.scope ? { scope: options.scope } : {}),
  });
  const audit = options.audit ?? (options.auditLog ? await openAuditLog(options.auditLog) : noAudit);
  return { limits, log, audit, ...(options.metrics ? { metrics: options.metrics } : {}) };
}
