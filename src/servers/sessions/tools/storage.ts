import { z } from 'zod';
import { ConfigError } from '../../../core/config.js';
import { defineTool, type ToolDefinition } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import type { PreparedSessions } from '../prepared.js';
import { COORDINATION_SCOPES, settingsFile, writeSettings } from '../storage.js';
import { annotations } from './shared.js';

export function storageTool(prepared: PreparedSessions): ToolDefinition {
  return defineTool({
    name: 'update_storage_settings',
    title: 'Update Storage Settings',
    description:
      'Chooses where shared state lives for this project: "local" files (one machine) or "redis" (several machines, ' +
      'a team). Switching copies every scope, lease, inbox and live session to the new store and uses it at once; ' +
      'the choice is kept for the next start. Redis needs the server started with a Redis URL.',
    input: z.object({
      adapter: z.enum(['local', 'file', 'redis']).describe('local (the file store) or redis'),
      scope: z.enum(['single-machine', 'multi-machine', 'team']).describe('How widely sessions coordinate'),
      reason: z.string().max(1000).describe('Why, in a sentence, for whoever reads the settings later'),
    }),
    output: z.object({
      status: z.enum(['switched', 'unchanged']),
      store: z.enum(['file', 'redis']),
      location: z.string(),
      migrated: z
        .object({ scopes: z.number(), keys: z.number(), documents: z.number(), sessions: z.number() })
        .optional(),
      settings_file: z.string(),
      advice: z
        .string()
        .optional()
        .describe('When the store does not match what the scope usually calls for'),
    }),
    annotations: annotations(false, false, true),
    handler: async (args) => {
      const kind: 'file' | 'redis' = args.adapter === 'redis' ? 'redis' : 'file';
      const recommended = COORDINATION_SCOPES[args.scope].store;
      const advice =
        recommended !== kind
          ? `${args.scope} coordination usually calls for the ${recommended} store; ${kind} keeps state ` +
            (kind === 'file' ? 'on this machine only' : 'in Redis')
          : undefined;
      const save = () =>
        writeSettings(prepared.config.projectDir, {
          store: kind,
          coordinationScope: args.scope,
          decidedAt: new Date().toISOString(),
          reason: args.reason,
        });
      const base = {
        settings_file: settingsFile(prepared.config.projectDir),
        ...(advice ? { advice } : {}),
      };
      if (prepared.store().kind === kind) {
        await save();
        return { status: 'unchanged' as const, store: kind, location: prepared.store().location, ...base };
      }
      if (kind === 'redis' && !prepared.config.redisUrl) {
        throw new Refusal(
          'the Redis store needs a Redis URL this server was not started with: restart it with --redis-url ' +
            'redis://host:6379 (or RAMPART_SESSIONS_REDIS_URL, plus --redis-username and RAMPART_SESSIONS_REDIS_PASSWORD ' +
            'for an ACL user), then call update_storage_settings again; nothing was changed',
        );
      }
      let switched: Awaited<ReturnType<PreparedSessions['switchStore']>>;
      try {
        switched = await prepared.switchStore(kind);
      } catch (error) {
        const reason =
          error instanceof Refusal || error instanceof ConfigError ? error.message : 'see the server log';
        throw new Refusal(
          `could not switch to the ${kind} store (${reason}); still using ${prepared.store().location}`,
        );
      }
      await save();
      return {
        status: 'switched' as const,
        store: kind,
        location: switched.to.location,
        migrated: switched.migrated,
        ...base,
      };
    },
    present: (r) =>
      r.status === 'unchanged'
        ? `Already using the ${r.store} store (${r.location}); settings saved to ${r.settings_file}.`
        : `Switched to the ${r.store} store (${r.location}), copying ${r.migrated?.keys} keys in ${r.migrated?.scopes} ` +
          `scopes, ${r.migrated?.documents} lease/inbox documents and ${r.migrated?.sessions} live sessions; the ` +
          `old store was left as it was. Settings saved to ${r.settings_file}.${r.advice ? ` Note: ${r.advice}.` : ''}`,
  });
}
