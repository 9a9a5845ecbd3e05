import { INVALID_PARAMS, ProtocolError } from '@modelcontextprotocol/server';
import type { ResourceTemplateDefinition, TemplateCompleter } from './define.js';
import type { Runtime } from './envelope.js';
import { toSafeFailure } from './errors.js';
import { errorFields } from './log.js';

/** Most values one completion answers with; the MCP result holds at most 100. */
export const MAX_COMPLETIONS = 100;

type SdkCompleter = (value: string, context?: { arguments?: Record<string, string> }) => Promise<string[]>;

/**
 * A template's completers as the SDK calls them: each bounded by the call time limit (the SDK passes no signal)
 * and to MAX_COMPLETIONS distinct values, a failure answered with one safe line.
 */
export function sdkCompleters(
  template: ResourceTemplateDefinition,
  runtime: Runtime,
): Record<string, SdkCompleter> | undefined {
  const given = template.complete;
  if (!given || Object.keys(given).length === 0) return undefined;
  const wired: Record<string, SdkCompleter> = {};
  for (const [variable, complete] of Object.entries(given)) {
    wired[variable] = (value, context) => boundedCompletion(template.name, complete, value, context, runtime);
  }
  return wired;
}

async function boundedCompletion(
  name: string,
  complete: TemplateCompleter,
  value: string,
  context: { arguments?: Record<string, string> } | undefined,
  runtime: Runtime,
): Promise<string[]> {
  const signal = AbortSignal.timeout(runtime.limits.timeoutMs);
  try {
    const values = await complete(value, context ?? {}, signal);
    return [...new Set(values)].slice(0, MAX_COMPLETIONS);
  } catch (error) {
    if (signal.aborted)
      throw new ProtocolError(INVALID_PARAMS, `completion timed out after ${runtime.limits.timeoutMs} ms`);
    const failure = toSafeFailure(error);
    if (!failure.expected) runtime.log.error(`completing ${name} failed`, errorFields(error));
    throw new ProtocolError(INVALID_PARAMS, failure.message);
  }
}
