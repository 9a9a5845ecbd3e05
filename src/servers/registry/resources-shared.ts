import type { TemplateCompleter } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import type { RegistryContext } from './tools/shared.js';

export { JSON_TYPE, jsonContents as json } from '../../core/resource-json.js';

/** A template variable, percent-decoded; refused when the URI left it empty. */
export function variable(variables: Record<string, string | string[]>, name: string): string {
  const raw = variables[name];
  const value = Array.isArray(raw) ? raw.join('/') : raw;
  if (!value) throw new Refusal(`the URI has no ${name}`);
  return decodeURIComponent(value);
}

/** `{registry}`: the configured registries' names starting with what was typed. */
export function completeRegistry(ctx: RegistryContext): TemplateCompleter {
  return async (value) => ctx.clients.map((c) => c.name).filter((name) => name.startsWith(value));
}

/**
 * `{subject}`: the live subjects of the registry already filled in (else this connection's default) starting
 * with what was typed. A registry that is not configured completes to nothing rather than failing the prompt.
 */
export function completeSubject(ctx: RegistryContext): TemplateCompleter {
  return async (value, context, signal) => {
    const named = context.arguments?.registry;
    if (named !== undefined && !ctx.clients.some((c) => c.name === named)) return [];
    const subjects = await ctx.pick(named).call<string[]>('GET', '/subjects', undefined, signal);
    return subjects.filter((s) => s.startsWith(value));
  };
}
