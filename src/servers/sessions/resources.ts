import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from '../../core/define.js';
import { checkName } from '../../guards/state-names.js';
import type { PreparedSessions } from './prepared.js';
import type { Session } from './session.js';
import { COORDINATION_SCOPES, readSettings } from './storage.js';
import { storedValue } from './stored-value.js';

const json = (uri: string, value: unknown) => [
  { uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) },
];

/** The keys of a session's own scope, `session:<id>`, which the seed coordinator's workflow keeps its state in. */
async function sessionState(prepared: PreparedSessions, id: string): Promise<Record<string, unknown>> {
  const scope = `session:${id}`;
  const state: Record<string, unknown> = {};
  for (const key of await prepared.store().listKeys(scope))
    state[key] = storedValue(scope, key, (await prepared.store().get(scope, key))?.value);
  return state;
}

async function context(prepared: PreparedSessions, session: Session) {
  const slots = await prepared.store().listSlots();
  const taken = new Set(slots.map((s) => s.slot));
  let firstFree: string | null = null;
  for (let n = 1; n <= prepared.config.maxSlots && firstFree === null; n++)
    if (!taken.has(`claude_${n}`)) firstFree = `claude_${n}`;
  return {
    machine: prepared.identity.machine,
    project: prepared.identity.project,
    store: { kind: prepared.store().kind, location: prepared.store().location },
    current_session: session.current?.slot ?? null,
    active_sessions: slots.map((s) => ({
      session_id: s.slot,
      machine: s.machine,
      until: new Date(s.expiresAt).toISOString(),
    })),
    first_available: firstFree,
    max_sessions: prepared.config.maxSlots,
    instructions: {
      if_not_signed_on: 'call sign_on (optionally with session_id) before using shared state',
      if_signed_on:
        'keep your state in scope "session:<your id>" (status, current_issue, todos); every call renews your slot',
      when_done: 'store a hand-off note, release your leases, then call sign_off',
    },
  };
}

async function storageConfig(prepared: PreparedSessions) {
  const settings = await readSettings(prepared.config.projectDir);
  return {
    current: {
      store: prepared.store().kind,
      location: prepared.store().location,
      settings: settings ?? null,
    },
    options: {
      local: { ready: true, for: COORDINATION_SCOPES['single-machine'].description },
      redis: {
        ready: Boolean(prepared.config.redisUrl),
        for: `${COORDINATION_SCOPES['multi-machine'].description}; ${COORDINATION_SCOPES.team.description}`,
        ...(prepared.config.redisUrl ? {} : { setup: 'start the server with --redis-url redis://host:6379' }),
      },
    },
    scopes: COORDINATION_SCOPES,
  };
}

export function sessionResources(prepared: PreparedSessions, session: Session): ResourceDefinition[] {
  return [
    {
      name: 'session-context',
      title: 'Session context',
      description:
        'This machine and project, the store in use, which sessions are signed on and which slot is free next',
      uri: 'session://context',
      mimeType: 'application/json',
      read: async () => json('session://context', await context(prepared, session)),
    },
    {
      name: 'storage-config',
      title: 'Storage configuration',
      description: 'The store in use, the saved choice, and which stores are ready',
      uri: 'session://storage-config',
      mimeType: 'application/json',
      read: async () => json('session://storage-config', await storageConfig(prepared)),
    },
  ];
}

export function sessionStateTemplate(prepared: PreparedSessions): ResourceTemplateDefinition {
  return {
    name: 'session-state',
    title: 'Session state',
    description: 'What a signed-on session keeps in its scope session:<id> (status, current issue, todos…)',
    uriTemplate: 'session://state/{instance_id}',
    mimeType: 'application/json',
    list: async () =>
      (await prepared.store().listSlots()).map((s) => ({
        uri: `session://state/${encodeURIComponent(s.slot)}`,
        name: s.slot,
        mimeType: 'application/json',
      })),
    read: async (uri, variables) => {
      const id = checkName(decodeURIComponent(String(variables.instance_id ?? '')), 'instance_id');
      const lease = (await prepared.store().listSlots()).find((s) => s.slot === id);
      return json(uri.href, {
        session_id: id,
        signed_on: lease ? { machine: lease.machine, until: new Date(lease.expiresAt).toISOString() } : null,
        state: await sessionState(prepared, id),
      });
    },
  };
}

export function sessionPrompts(prepared: PreparedSessions, session: Session): PromptDefinition[] {
  return [
    {
      name: 'startup',
      title: 'Start a session',
      description: 'Where things stand in this project and how to begin: sign on, pick up work, keep state',
      text: async () => {
        const ctx = await context(prepared, session);
        const active = ctx.active_sessions.map((s) => `${s.session_id} (${s.machine})`).join(', ') || 'none';
        return [
          `Project ${ctx.project} on ${ctx.machine}; shared state in the ${ctx.store.kind} store (${ctx.store.location}).`,
          `Signed on now: ${active}. ${ctx.first_available ? `Next free slot: ${ctx.first_available}.` : 'Every slot is taken: wait for one, or ask the user.'}`,
          '',
          '1. Call sign_on (keep the session_id you get).',
          '2. Look for work in progress: list_scopes with "issue:*", read_inbox for hand-offs, list_leases for what others hold.',
          '3. Confirm with the user what to work on; acquire_lease on the files or resource you will change.',
          '4. Keep your state in scope "session:<your id>": status, current_issue, todos (a list of {task, status}).',
          '5. When done: leave a hand-off note, release_lease, sign_off.',
          '',
          'Sign on now?',
        ].join('\n');
      },
    },
    {
      name: 'sign_off',
      title: 'Sign off',
      description: 'A checklist for ending the session, with the todos still open',
      text: async () => {
        const id = session.current?.slot;
        if (!id) return 'This conversation holds no session slot: there is nothing to sign off from.';
        const state = await sessionState(prepared, id);
        const todos = Array.isArray(state.todos)
          ? (state.todos as { task?: unknown; status?: unknown }[])
          : [];
        const open = todos.filter((t) => t && typeof t === 'object' && t.status !== 'completed');
        return [
          open.length > 0
            ? `Open todos in session:${id}:\n${open.map((t) => `- ${String(t.task ?? JSON.stringify(t))}`).join('\n')}`
            : `Everything in session:${id} is done${state.current_issue ? ` for ${String(state.current_issue)}` : ''}.`,
          '',
          'Before signing off:',
          '- store a hand-off note (what is done, what is next) where the next session will look;',
          '- release_lease for everything you hold (list_leases shows them);',
          '- then call sign_off.',
        ].join('\n');
      },
    },
    {
      name: 'first_run_storage',
      title: 'Choose where session state lives',
      description: 'The three ways sessions can coordinate, which store each needs, and how to choose',
      text: async () => {
        const config = await storageConfig(prepared);
        const lines = Object.entries(COORDINATION_SCOPES).map(
          ([scope, info]) =>
            `- ${scope}: ${info.description} (best for ${info.bestFor}); store: ${info.store === 'file' ? 'local' : 'redis'}` +
            (info.store === 'redis' && !config.options.redis.ready
              ? ' (not ready: start the server with --redis-url)'
              : ''),
        );
        return [
          `Shared state for ${prepared.identity.project} is in the ${config.current.store} store now.`,
          'How should sessions coordinate?',
          ...lines,
          '',
          'Ask the user, then call update_storage_settings with adapter ("local" or "redis"), scope and a one-line ' +
            'reason. Switching copies the existing state over and is kept for the next start.',
        ].join('\n');
      },
    },
  ];
}
