import type { CallToolResult, InputRequiredResult } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import {
  assertArgBytes,
  byteLength,
  capText,
  LimitExceeded,
  type Limits,
  shrinkToFit,
} from '../guards/limits.js';
import type { AuditRecord, AuditSink } from './audit.js';
import { CallBudget } from './budget.js';
import { type Confirmation, ConfirmationNeeded, confirmationRequest, NO_CONFIRMATION } from './confirm.js';
import type { ContentBlock, ToolContext, ToolDefinition } from './define.js';
import { Cancelled, Refusal, type SafeFailure, toSafeFailure } from './errors.js';
import { errorFields, type Logger } from './log.js';
import type { MetricsSink } from './metrics.js';

export interface Runtime {
  readonly limits: Limits;
  readonly log: Logger;
  readonly audit: AuditSink;
  /** Where call counts and latencies go, when something (the gateway's /metrics) reads them. */
  readonly metrics?: MetricsSink;
}

export interface CallInfo {
  readonly server: string;
  readonly client: string;
  /** The client's cancellation signal for this request. */
  readonly signal: AbortSignal;
  readonly progress: ToolContext['progress'];
  /** Absent where no client can be asked (tests, stateless requests). */
  readonly confirmation?: Confirmation;
}

export type ToolCallResult = CallToolResult & { content: ContentBlock[] };

const DEFAULT_CONTINUATION = 'narrow the request to see the rest';

/** One line naming the argument and what is wrong with it. */
export function describeInvalidArgs(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? `argument "${issue.path.join('.')}"` : 'arguments';
    if (issue.code === 'unrecognized_keys')
      return `unknown argument(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `invalid arguments: ${parts.join('; ')}${more}`;
}

function refusal(message: string): ToolCallResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

function assemble(tool: ToolDefinition, structured: Record<string, unknown>, limits: Limits): ToolCallResult {
  const how = tool.continuation ?? DEFAULT_CONTINUATION;
  const fitted = shrinkToFit(structured, limits.maxResultBytes, how).value;
  const presented = tool.present ? tool.present(fitted) : JSON.stringify(fitted, null, 2);
  const blocks: ContentBlock[] =
    typeof presented === 'string' ? [{ type: 'text', text: presented }] : presented;
  const content = blocks.map((block): ContentBlock => {
    if (block.type === 'text')
      return { type: 'text', text: capText(block.text, limits.maxResultBytes, how).text };
    const size = byteLength(JSON.stringify(block));
    if (size > limits.maxResultBytes) {
      throw new LimitExceeded(`result is ${size} bytes; the limit is ${limits.maxResultBytes}`);
    }
    return block;
  });
  return { content, structuredContent: fitted };
}

/**
 * How a failed call or read is audited: a bug or unknown fault is an error; the budget running out (not the client
 * leaving) a timeout; the client cancelling, cancelled; any other expected failure, refused.
 */
export function failureOutcome(
  error: unknown,
  failure: SafeFailure,
  budget: CallBudget,
  signal: AbortSignal,
): AuditRecord['outcome'] {
  if (!failure.expected) return 'error';
  if (error instanceof LimitExceeded && budget.timedOut && !signal.aborted) return 'timeout';
  if (error instanceof Cancelled || signal.aborted) return 'cancelled';
  return 'refused';
}

/**
 * The policy envelope around every tool call: arguments capped and validated, a time budget and
 * cancellation, the handler, the output validated and capped, one audit record, and any failure mapped
 * to a safe one-line `isError` result.
 */
export async function runTool(
  tool: ToolDefinition,
  rawArgs: unknown,
  call: CallInfo,
  runtime: Runtime,
): Promise<ToolCallResult | InputRequiredResult> {
  const started = performance.now();
  const { limits, log } = runtime;
  /** Every call ends here once: one audit record and one metrics observation. */
  const audit = (outcome: AuditRecord['outcome'], message?: string) => {
    const ms = performance.now() - started;
    runtime.metrics?.observe({ server: call.server, tool: tool.name, outcome, ms });
    if (!runtime.audit.enabled) return;
    runtime.audit.record({
      ts: new Date().toISOString(),
      server: call.server,
      tool: tool.name,
      client: call.client,
      args: rawArgs ?? {},
      outcome,
      ms: Math.round(ms),
      ...(message ? { message } : {}),
    });
  };

  const budget = new CallBudget(call.signal, limits.timeoutMs);
  try {
    if (call.signal.aborted) throw new Cancelled('cancelled by the client');
    assertArgBytes(rawArgs, limits.maxArgBytes);
    const parsed = tool.input.safeParse(rawArgs ?? {});
    if (!parsed.success) throw new Refusal(describeInvalidArgs(parsed.error));
    const ctx: ToolContext = {
      get signal() {
        return budget.signal;
      },
      limits,
      log,
      progress: call.progress,
      confirmation: call.confirmation ?? NO_CONFIRMATION,
    };
    const output = await Promise.race([tool.handler(parsed.data, ctx), budget.expired]);
    const checked = tool.output.safeParse(output);
    if (!checked.success) {
      log.error(`tool ${tool.name} produced output that does not match its schema`, {
        issues: checked.error.issues,
      });
      throw new Error('output schema mismatch');
    }
    const result = assemble(tool, checked.data as Record<string, unknown>, limits);
    audit('ok');
    return result;
  } catch (error) {
    if (error instanceof ConfirmationNeeded) {
      // Not a failure: the client asks the user and calls again with the answer.
      audit('confirming', error.question);
      return confirmationRequest(error.question);
    }
    const failure = toSafeFailure(error);
    const outcome = failureOutcome(error, failure, budget, call.signal);
    if (!failure.expected) log.error(`tool ${tool.name} failed`, errorFields(error));
    const message = outcome === 'timeout' ? `${tool.name} ${failure.message}` : failure.message;
    audit(outcome, message);
    return refusal(message);
  } finally {
    budget.dispose();
  }
}
