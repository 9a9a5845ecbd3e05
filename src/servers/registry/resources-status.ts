import type { ResourceDefinition, ResourceTemplateDefinition } from '../../core/define.js';
import type { RegistryClient } from './client.js';
import { completeRegistry, JSON_TYPE, json, variable } from './resources-shared.js';
import type { RegistryContext } from './tools/shared.js';

/** How many schema versions a status read counts before it says "at least". */
export const STATUS_SCHEMA_CAP = 1000;
/** How long one registry's status may take, all its requests together, before it is reported unreachable. */
export const STATUS_BUDGET_MS = 5000;

export interface RegistryStatus {
  registry: string;
  url: string;
  viewonly: boolean;
  reachable: boolean;
  latency_ms: number;
  mode?: string;
  compatibility?: string;
  subjects?: number;
  schemas?: number;
  /** True when there are more schema versions than STATUS_SCHEMA_CAP: `schemas` is then a lower bound. */
  schemas_capped?: boolean;
  error?: string;
}

/**
 * One registry's health in a bounded amount of work: four requests (config, mode, subjects, and one page of at
 * most STATUS_SCHEMA_CAP + 1 schema versions), all within STATUS_BUDGET_MS. A registry that does not answer is
 * a status with the reason, never a failed read.
 */
export async function registryStatus(client: RegistryClient, signal: AbortSignal): Promise<RegistryStatus> {
  const budget = AbortSignal.any([signal, AbortSignal.timeout(STATUS_BUDGET_MS)]);
  const base = { registry: client.name, url: client.describe(), viewonly: client.entry.viewonly };
  const started = performance.now();
  try {
    const config = await client.call<{ compatibilityLevel: string }>('GET', '/config', undefined, budget);
    const latency = Math.round(performance.now() - started);
    const [mode, subjects, schemas] = await Promise.all([
      client.call<{ mode: string }>('GET', '/mode', undefined, budget),
      client.call<string[]>('GET', '/subjects', undefined, budget),
      client.call<unknown[]>('GET', `/schemas?offset=0&limit=${STATUS_SCHEMA_CAP + 1}`, undefined, budget),
    ]);
    return {
      ...base,
      reachable: true,
      latency_ms: latency,
      mode: mode.mode,
      compatibility: config.compatibilityLevel,
      subjects: subjects.length,
      schemas: Math.min(schemas.length, STATUS_SCHEMA_CAP),
      schemas_capped: schemas.length > STATUS_SCHEMA_CAP,
    };
  } catch (error) {
    const reason = budget.aborted && !signal.aborted ? `no full answer within ${STATUS_BUDGET_MS} ms` : '';
    return {
      ...base,
      reachable: false,
      latency_ms: Math.round(performance.now() - started),
      error: reason || (error as Error).message,
    };
  }
}

/** `registry://status`: every configured registry's status, each on its own (one that fails fails alone). */
export function registryStatusResources(ctx: RegistryContext): ResourceDefinition[] {
  return [
    {
      name: 'registries-status',
      title: 'Status of every registry',
      description:
        'For each configured registry: reachable (or why not), latency in ms, mode, compatibility, and how many ' +
        `subjects and schema versions it holds (counted up to ${STATUS_SCHEMA_CAP})`,
      uri: 'registry://status',
      mimeType: JSON_TYPE,
      read: async (signal) =>
        json('registry://status', {
          registries: await Promise.all(ctx.clients.map((c) => registryStatus(c, signal))),
        }),
    },
  ];
}

/** `registry://{registry}/status`: one registry's status. */
export function registryStatusTemplates(ctx: RegistryContext): ResourceTemplateDefinition[] {
  return [
    {
      name: 'registry-status',
      title: 'Status of a registry',
      description:
        'Reachable (or why not), latency in ms, mode, compatibility, and subject and schema version counts of one registry',
      uriTemplate: 'registry://{registry}/status',
      mimeType: JSON_TYPE,
      list: async () =>
        ctx.clients.map((c) => ({
          uri: `registry://${c.name}/status`,
          name: `${c.name} status`,
          mimeType: JSON_TYPE,
        })),
      complete: { registry: completeRegistry(ctx) },
      read: async (uri, variables, signal) =>
        json(uri.href, await registryStatus(ctx.pick(variable(variables, 'registry')), signal)),
    },
  ];
}
