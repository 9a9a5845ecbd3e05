import { z } from 'zod';
import { defineTool, READ_ONLY } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import type { RegistryContext } from './shared.js';

const defaultOutput = z.object({
  registry: z.string().describe('The registry calls without `registry` use'),
  chosen: z
    .boolean()
    .describe('True when set_default_registry chose it; false when it is the first configured'),
  previous: z.string().optional().describe('The default before this call (set_default_registry only)'),
});

/** Why the gateway refuses: one definition there serves every client, so a default would leak between them. */
const SHARED_REFUSAL =
  'set_default_registry is not available over the HTTP gateway: its requests share no session, and one ' +
  "client's default would become every client's. Pass `registry` on each call instead.";

/**
 * `set_default_registry` and `get_default_registry`: the registry a call that names none uses, for this
 * connection only (a stdio process, one client). Nothing is written anywhere; a new connection starts again
 * from the first configured registry.
 */
export function defaultTools(ctx: RegistryContext) {
  const current = () => {
    const client = ctx.pick(undefined);
    return { registry: client.name, chosen: ctx.defaults.chosen !== undefined };
  };
  return [
    defineTool({
      name: 'set_default_registry',
      title: 'Set the default registry for this session',
      description:
        'Chooses the registry every later call in this session uses when it names no `registry` (the default is ' +
        'the first configured). Per connection: another client, or a new connection, keeps its own. Refused over ' +
        'the HTTP gateway, whose requests share no session; pass `registry` on each call there.',
      input: z.object({
        registry: z.string().min(1).describe('A configured registry (see list_registries)'),
      }),
      output: defaultOutput,
      // Read-only to the world: it changes this connection's state, never a registry, so --read-only keeps it.
      annotations: READ_ONLY,
      async handler(args) {
        if (ctx.defaults.shared) throw new Refusal(SHARED_REFUSAL);
        const previous = ctx.pick(undefined).name;
        ctx.defaults.chosen = ctx.pick(args.registry).name;
        return { ...current(), previous };
      },
    }),
    defineTool({
      name: 'get_default_registry',
      title: 'Get the default registry of this session',
      description:
        'The registry calls without `registry` use in this session: the one set_default_registry chose, else the ' +
        'first configured.',
      input: z.object({}),
      output: defaultOutput,
      annotations: READ_ONLY,
      async handler() {
        return current();
      },
    }),
  ];
}
