import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { checkName } from '../../../guards/state-names.js';
import { globToRegExp } from '../glob.js';
import type { Entry } from '../store/types.js';
import { storedValue } from '../stored-value.js';
import { annotations, keyArg, type SessionsContext, scopeArg, valueArg } from './shared.js';

const entryOutput = {
  value: z.unknown().describe('The stored value; null when the key is absent'),
  version: z.number().describe('0 when absent; compare_and_set takes it as expected_version'),
  updated_at: z.string().nullable(),
};

function describeEntry(scope: string, key: string, entry: Entry | undefined) {
  return {
    value: storedValue(scope, key, entry?.value ?? null),
    version: entry?.version ?? 0,
    updated_at: entry?.updatedAt ?? null,
  };
}

/** Checks names, then renews the session (every call is a heartbeat) before touching shared state. */
async function prepare(ctx: SessionsContext, names: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(names)) checkName(value, label);
  await ctx.session.heartbeat();
}

export function stateTools(ctx: SessionsContext): ToolDefinition[] {
  const store = defineTool({
    name: 'store_data',
    title: 'Store Data',
    description:
      'Stores a JSON value under scope and key, shared with every session of the project. Returns its new version.',
    input: z.object({ scope: scopeArg, key: keyArg, value: valueArg }),
    output: z.object({ version: z.number() }),
    annotations: annotations(false, false, true),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope, key: args.key });
      return { version: (await ctx.store().set(args.scope, args.key, args.value ?? null)).version };
    },
    present: (r) => `Stored (version ${r.version}).`,
  });

  const retrieve = defineTool({
    name: 'retrieve_data',
    title: 'Retrieve Data',
    description: 'The value stored under scope and key (null when absent), with its version.',
    input: z.object({ scope: scopeArg, key: keyArg }),
    output: z.object(entryOutput),
    annotations: annotations(true, false, true),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope, key: args.key });
      return describeEntry(args.scope, args.key, await ctx.store().get(args.scope, args.key));
    },
    present: (r) => JSON.stringify(r.value, null, 2),
  });

  const remove = defineTool({
    name: 'delete_data',
    title: 'Delete Data',
    description: 'Deletes one key; says whether it existed.',
    input: z.object({ scope: scopeArg, key: keyArg }),
    output: z.object({ deleted: z.boolean() }),
    annotations: annotations(false, true, true),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope, key: args.key });
      return { deleted: await ctx.store().delete(args.scope, args.key) };
    },
  });

  const listKeys = defineTool({
    name: 'list_keys',
    title: 'List Keys',
    description: 'The keys stored in a scope.',
    input: z.object({ scope: scopeArg }),
    output: z.object({ keys: z.array(z.string()) }),
    annotations: annotations(true, false, true),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope });
      return { keys: await ctx.store().listKeys(args.scope) };
    },
    present: (r) => (r.keys.length === 0 ? 'No keys' : r.keys.join('\n')),
  });

  const listScopes = defineTool({
    name: 'list_scopes',
    title: 'List Scopes',
    description:
      'The scopes that hold data, optionally filtered by a shell-style pattern (* ? [abc]), e.g. "issue:*".',
    input: z.object({ pattern: z.string().nullish().describe('e.g. "session:*"; default: all') }),
    output: z.object({ scopes: z.array(z.string()) }),
    annotations: annotations(true, false, true),
    handler: async (args) => {
      await prepare(ctx, args.pattern ? { pattern: args.pattern } : {});
      const all = await ctx.store().listScopes();
      const match = args.pattern ? globToRegExp(args.pattern) : undefined;
      return { scopes: match ? all.filter((s) => match.test(s)) : all };
    },
    present: (r) => (r.scopes.length === 0 ? 'No scopes' : r.scopes.join('\n')),
  });

  const deleteScope = defineTool({
    name: 'delete_scope',
    title: 'Delete Scope',
    description: 'Deletes a scope and every key in it; says whether it existed.',
    input: z.object({ scope: scopeArg }),
    output: z.object({ deleted: z.boolean() }),
    annotations: annotations(false, true, true),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope });
      return { deleted: await ctx.store().deleteScope(args.scope) };
    },
  });

  const compareAndSet = defineTool({
    name: 'compare_and_set',
    title: 'Compare and Set',
    description:
      'Writes value only if the key is still at expected_version (0: only if absent), so two sessions cannot ' +
      'overwrite each other. Read with retrieve_data first; on a refusal, read again and retry.',
    input: z.object({
      scope: scopeArg,
      key: keyArg,
      expected_version: z.number().int().min(0).describe('The version you read; 0 to create'),
      value: valueArg,
    }),
    output: z.object({ swapped: z.boolean(), ...entryOutput }),
    annotations: annotations(false, false, false),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope, key: args.key });
      const result = await ctx
        .store()
        .compareAndSet(args.scope, args.key, args.expected_version, args.value ?? null);
      return { swapped: result.ok, ...describeEntry(args.scope, args.key, result.entry) };
    },
    present: (r) =>
      r.swapped
        ? `Swapped: now version ${r.version}.`
        : `Not swapped: the key is at version ${r.version}; read it again and retry.`,
  });

  const increment = defineTool({
    name: 'increment',
    title: 'Increment',
    description: 'Adds by (default 1) to a number atomically; an absent key counts as 0.',
    input: z.object({
      scope: scopeArg,
      key: keyArg,
      by: z.number().finite().default(1).describe('Amount to add'),
    }),
    output: z.object({ value: z.number(), version: z.number() }),
    annotations: annotations(false, false, false),
    handler: async (args) => {
      await prepare(ctx, { scope: args.scope, key: args.key });
      const entry = await ctx.store().increment(args.scope, args.key, args.by);
      return { value: entry.value as number, version: entry.version };
    },
    present: (r) => String(r.value),
  });

  return [store, retrieve, remove, listKeys, listScopes, deleteScope, compareAndSet, increment];
}
