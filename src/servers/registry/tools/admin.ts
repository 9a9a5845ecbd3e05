import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { RegistryApiError, type RegistryClient } from '../client.js';
import { orderByReferences } from '../ordering.js';
import { contextOf, snapshot } from '../snapshot.js';
import {
  confirmArg,
  contextArg,
  contextName,
  namedContextArg,
  path,
  qualify,
  type RegistryContext,
  registryArg,
  subjectArg,
} from './shared.js';
import { writable } from './write.js';

const DESTRUCTIVE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

/** The subject's version numbers, `[]` when it has none (Confluent answers 404 then). */
async function versionsOf(
  client: RegistryClient,
  subject: string,
  deleted: boolean,
  signal: AbortSignal,
): Promise<number[]> {
  try {
    return await client.call<number[]>(
      'GET',
      `${path('subjects', subject, 'versions')}${deleted ? '?deleted=true' : ''}`,
      undefined,
      signal,
    );
  } catch (error) {
    if (error instanceof RegistryApiError && error.status === 404) return [];
    throw error;
  }
}

/**
 * Soft-deletes the subject when it has live versions, then (when asked) permanently deletes everything, as
 * Confluent requires. The caller says whether it has live versions, having looked already.
 */
async function deleteSubject(
  client: RegistryClient,
  subject: string,
  hasLive: boolean,
  permanent: boolean,
  signal: AbortSignal,
): Promise<number[]> {
  let removed: number[] = [];
  if (hasLive) removed = await client.call<number[]>('DELETE', path('subjects', subject), undefined, signal);
  if (permanent) {
    removed = await client.call<number[]>(
      'DELETE',
      `${path('subjects', subject)}?permanent=true`,
      undefined,
      signal,
    );
  }
  return removed;
}

const removalOutput = z.object({
  registry: z.string(),
  context: z.string(),
  permanent: z.boolean(),
  deleted: z.array(z.object({ subject: z.string(), versions: z.array(z.number()) })),
  failed: z.array(z.object({ subject: z.string(), reason: z.string() })),
});

/**
 * Deletes every subject of a context, referrers before what they refer to so the registry never refuses a
 * delete because something still points at it. One failure does not stop the rest; it is reported.
 */
async function clearSubjects(
  client: RegistryClient,
  subjects: string[],
  permanent: boolean,
  signal: AbortSignal,
  progress: (done: number, total: number, message: string) => void,
) {
  const wanted = new Set(subjects);
  const live = await snapshot(client, (s) => wanted.has(s), signal);
  const liveNames = new Set(live.map((s) => s.subject));
  const order = [
    ...orderByReferences(live)
      .reverse()
      .map((s) => s.subject),
    ...subjects.filter((s) => !liveNames.has(s)),
  ];
  const deleted: { subject: string; versions: number[] }[] = [];
  const failed: { subject: string; reason: string }[] = [];
  for (const [i, subject] of order.entries()) {
    try {
      const versions = await deleteSubject(client, subject, liveNames.has(subject), permanent, signal);
      deleted.push({ subject, versions });
    } catch (error) {
      if (signal.aborted) throw error;
      failed.push({ subject, reason: (error as Error).message });
    }
    progress(i + 1, order.length, subject);
  }
  return { deleted, failed };
}

async function subjectsIn(
  client: RegistryClient,
  context: string,
  includeDeleted: boolean,
  signal: AbortSignal,
): Promise<string[]> {
  const all = await client.call<string[]>(
    'GET',
    `/subjects${includeDeleted ? '?deleted=true' : ''}`,
    undefined,
    signal,
  );
  return all.filter((s) => contextOf(s) === context);
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function adminTools(ctx: RegistryContext) {
  return [
    defineTool({
      name: 'delete_subject',
      title: 'Delete a subject',
      description:
        'Deletes a subject: a soft delete by default (versions hidden, ids kept and still readable by id), or ' +
        '`permanent: true` to remove it for good. Asks the user through elicitation when the client supports it, ' +
        'else needs `confirm: true`; nothing is deleted without one of them. Refused on view-only registries.',
      input: z.object({
        subject: subjectArg,
        permanent: z.boolean().default(false).describe('Remove for good (soft-deleting first if needed)'),
        registry: registryArg,
        context: contextArg,
        confirm: confirmArg,
      }),
      output: z.object({
        registry: z.string(),
        subject: z.string(),
        permanent: z.boolean(),
        versions: z.array(z.number()),
      }),
      annotations: DESTRUCTIVE,
      async handler(args, { signal, confirmation }) {
        const client = writable(ctx, args.registry, 'deleting a subject');
        const subject = qualify(args.subject, args.context);
        const live = await versionsOf(client, subject, false, signal);
        const all = await versionsOf(client, subject, true, signal);
        if (all.length === 0)
          throw new Refusal(`subject ${subject} does not exist in registry ${client.name}`);
        if (live.length === 0 && !args.permanent) {
          throw new Refusal(
            `subject ${subject} is already soft-deleted in registry ${client.name}; use permanent: true to remove it for good`,
          );
        }
        requireConfirmation(
          confirmation,
          args.confirm,
          args.permanent
            ? `Permanently delete subject ${subject} (${count(all.length, 'version')}) from registry ${client.name}? This cannot be undone.`
            : `Delete subject ${subject} (${count(live.length, 'version')}) from registry ${client.name}? (soft delete: ids stay readable)`,
        );
        const versions = await deleteSubject(client, subject, live.length > 0, args.permanent, signal);
        return { registry: client.name, subject, permanent: args.permanent, versions };
      },
    }),
    defineTool({
      name: 'clear_context',
      title: 'Delete every subject in a context',
      description:
        'Deletes every subject of a context (the default context "." too): soft by default, `permanent: true` for ' +
        'good, referrers before what they reference. Failures are reported per subject. Asks the user through ' +
        'elicitation when the client supports it, else needs `confirm: true`. Refused on view-only registries.',
      input: z.object({
        context: contextArg,
        permanent: z.boolean().default(false).describe('Remove for good (soft-deleting first if needed)'),
        registry: registryArg,
        confirm: confirmArg,
      }),
      output: removalOutput,
      annotations: DESTRUCTIVE,
      async handler(args, { signal, confirmation, progress }) {
        const client = writable(ctx, args.registry, 'clearing a context');
        const context = contextName(args.context);
        const subjects = await subjectsIn(client, context, args.permanent, signal);
        if (subjects.length === 0)
          throw new Refusal(`context ${context} of registry ${client.name} has no subjects to delete`);
        requireConfirmation(
          confirmation,
          args.confirm,
          `${args.permanent ? 'Permanently delete' : 'Delete'} all ${count(subjects.length, 'subject')} of context ${context} in registry ${client.name}?${args.permanent ? ' This cannot be undone.' : ''}`,
        );
        const result = await clearSubjects(client, subjects, args.permanent, signal, (d, t, m) => {
          void progress(d, t, m);
        });
        return { registry: client.name, context, permanent: args.permanent, ...result };
      },
    }),
    defineTool({
      name: 'delete_context',
      title: 'Delete a context',
      description:
        'Removes a named context for good: every subject in it is permanently deleted with its compatibility and ' +
        'mode settings, so the context no longer exists. The default context cannot be deleted (clear_context ' +
        'empties it). Asks the user through elicitation when the client supports it, else needs `confirm: true`. ' +
        'Refused on view-only registries.',
      input: z.object({ context: namedContextArg, registry: registryArg, confirm: confirmArg }),
      output: removalOutput,
      annotations: DESTRUCTIVE,
      async handler(args, { signal, confirmation, progress }) {
        const client = writable(ctx, args.registry, 'deleting a context');
        const context = contextName(args.context);
        if (context === '.')
          throw new Refusal('the default context "." cannot be deleted; clear_context empties it');
        const subjects = await subjectsIn(client, context, true, signal);
        if (subjects.length === 0)
          throw new Refusal(`context ${context} does not exist in registry ${client.name}`);
        requireConfirmation(
          confirmation,
          args.confirm,
          `Delete context ${context} of registry ${client.name} for good, with all ${count(subjects.length, 'subject')} and their settings? This cannot be undone.`,
        );
        const result = await clearSubjects(client, subjects, true, signal, (d, t, m) => {
          void progress(d, t, m);
        });
        for (const { subject } of result.deleted) {
          await client.call('DELETE', path('config', subject), undefined, signal).catch(() => undefined);
          await client.call('DELETE', path('mode', subject), undefined, signal).catch(() => undefined);
        }
        return { registry: client.name, context, permanent: true, ...result };
      },
    }),
    defineTool({
      name: 'add_subject_alias',
      title: 'Add a subject alias',
      description:
        'Makes `alias` another name for an existing subject: reads, lookups, compatibility checks and ' +
        'registrations under the alias act on the subject. Aliases do not chain. Refused when the alias is itself ' +
        'a subject with versions, and on view-only registries.',
      input: z.object({
        alias: subjectArg.describe('The new name'),
        subject: subjectArg.describe('The existing subject it stands for'),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({ registry: z.string(), alias: z.string(), subject: z.string() }),
      annotations: { ...DESTRUCTIVE, destructiveHint: false, idempotentHint: true },
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, 'adding a subject alias');
        const alias = qualify(args.alias, args.context);
        const subject = qualify(args.subject, args.context);
        if (alias === subject) throw new Refusal('an alias must differ from the subject it names');
        if ((await versionsOf(client, subject, false, signal)).length === 0)
          throw new Refusal(
            `subject ${subject} has no versions in registry ${client.name}; register it first`,
          );
        const own = await client
          .call<{ alias?: string }>('GET', path('config', alias), undefined, signal)
          .catch(() => ({}) as { alias?: string });
        if (own.alias === undefined && (await versionsOf(client, alias, false, signal)).length > 0)
          throw new Refusal(`${alias} is a subject with versions; an alias would hide them`);
        await client.call('PUT', path('config', alias), { alias: subject }, signal);
        return { registry: client.name, alias, subject };
      },
    }),
    defineTool({
      name: 'delete_subject_alias',
      title: 'Delete a subject alias',
      description:
        'Removes an alias made by add_subject_alias; the subject it named is untouched. Refused when the name is ' +
        'not an alias, and on view-only registries.',
      input: z.object({
        alias: subjectArg.describe('The alias to remove'),
        registry: registryArg,
        context: contextArg,
      }),
      output: z.object({ registry: z.string(), alias: z.string(), subject: z.string() }),
      annotations: { ...DESTRUCTIVE, idempotentHint: true },
      scope: 'write',
      async handler(args, { signal }) {
        const client = writable(ctx, args.registry, 'deleting a subject alias');
        const alias = qualify(args.alias, args.context);
        const own = await client
          .call<{ alias?: string }>('GET', path('config', alias), undefined, signal)
          .catch(() => ({}) as { alias?: string });
        if (own.alias === undefined) throw new Refusal(`${alias} is not an alias in registry ${client.name}`);
        await client.call('DELETE', path('config', alias), undefined, signal);
        return { registry: client.name, alias, subject: own.alias };
      },
    }),
  ];
}
