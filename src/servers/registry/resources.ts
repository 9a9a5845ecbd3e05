import type { ResourceDefinition, ResourceTemplateDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import type { RegistryClient } from './client.js';
import { completeRegistry, completeSubject, JSON_TYPE, json, variable } from './resources-shared.js';
import { path, type RegistryContext } from './tools/shared.js';

/** How many schema:// entries resources/list offers per registry; the rest stay readable by URI. */
const LISTED_SUBJECTS = 500;

async function schemaAt(client: RegistryClient, subject: string, version: string, signal: AbortSignal) {
  if (version !== 'latest' && !/^[1-9][0-9]*$/.test(version))
    throw new Refusal(`version "${version}" is not a number or "latest"`);
  const found = await client.call<Record<string, unknown>>(
    'GET',
    path('subjects', subject, 'versions', version),
    undefined,
    signal,
  );
  return { registry: client.name, schemaType: 'AVRO', references: [], ...found };
}

/** `registry://registries`: the configured registries, as list_registries gives them (no secrets). */
export function registryResources(ctx: RegistryContext): ResourceDefinition[] {
  return [
    {
      name: 'registries',
      title: 'Configured Schema Registries',
      description:
        'Each registry this server reaches: name, URL without password, and whether it is view-only',
      uri: 'registry://registries',
      mimeType: JSON_TYPE,
      read: async () =>
        json(
          'registry://registries',
          ctx.clients.map((c) => ({ name: c.name, url: c.describe(), viewonly: c.entry.viewonly })),
        ),
    },
  ];
}

export function registryResourceTemplates(ctx: RegistryContext): ResourceTemplateDefinition[] {
  const perRegistry = (suffix: string) => async () =>
    ctx.clients.map((c) => ({
      uri: `registry://${c.name}/${suffix}`,
      name: `${c.name} ${suffix}`,
      mimeType: JSON_TYPE,
    }));
  return [
    {
      name: 'registry-subjects',
      title: 'Subjects of a registry',
      description: 'Every live subject of one registry, all contexts',
      uriTemplate: 'registry://{registry}/subjects',
      mimeType: JSON_TYPE,
      complete: { registry: completeRegistry(ctx) },
      list: perRegistry('subjects'),
      read: async (uri, variables, signal) => {
        const client = ctx.pick(variable(variables, 'registry'));
        const subjects = await client.call<string[]>('GET', '/subjects', undefined, signal);
        return json(uri.href, { registry: client.name, subjects });
      },
    },
    {
      name: 'registry-config',
      title: 'Registry settings',
      description: 'The global compatibility level and mode of one registry, and its contexts',
      uriTemplate: 'registry://{registry}/config',
      mimeType: JSON_TYPE,
      complete: { registry: completeRegistry(ctx) },
      list: perRegistry('config'),
      read: async (uri, variables, signal) => {
        const client = ctx.pick(variable(variables, 'registry'));
        const config = await client.call<{ compatibilityLevel: string }>('GET', '/config', undefined, signal);
        const mode = await client.call<{ mode: string }>('GET', '/mode', undefined, signal);
        const contexts = await client
          .call<string[]>('GET', '/contexts', undefined, signal)
          .catch(() => ['.']);
        return json(uri.href, {
          registry: client.name,
          compatibility: config.compatibilityLevel,
          mode: mode.mode,
          contexts,
          viewonly: client.entry.viewonly,
        });
      },
    },
    {
      name: 'schema-version',
      title: 'One version of a schema',
      description: 'A subject version (number or "latest"): id, type, schema text and references',
      uriTemplate: 'schema://{registry}/{subject}/{version}',
      mimeType: JSON_TYPE,
      complete: { registry: completeRegistry(ctx), subject: completeSubject(ctx) },
      read: async (uri, variables, signal) => {
        const client = ctx.pick(variable(variables, 'registry'));
        const found = await schemaAt(
          client,
          variable(variables, 'subject'),
          variable(variables, 'version'),
          signal,
        );
        return json(uri.href, found);
      },
    },
    {
      name: 'schema',
      title: 'Latest schema of a subject',
      description: 'The latest version of a subject: id, version, type, schema text and references',
      uriTemplate: 'schema://{registry}/{subject}',
      mimeType: JSON_TYPE,
      complete: { registry: completeRegistry(ctx), subject: completeSubject(ctx) },
      list: async (signal) => {
        const listed: { uri: string; name: string; mimeType: string }[] = [];
        for (const client of ctx.clients) {
          const subjects = await client.call<string[]>('GET', '/subjects', undefined, signal).catch(() => []);
          for (const subject of subjects.slice(0, LISTED_SUBJECTS)) {
            listed.push({
              uri: `schema://${client.name}/${encodeURIComponent(subject)}`,
              name: `${client.name}: ${subject}`,
              mimeType: JSON_TYPE,
            });
          }
        }
        return listed;
      },
      read: async (uri, variables, signal) => {
        const client = ctx.pick(variable(variables, 'registry'));
        return json(uri.href, await schemaAt(client, variable(variables, 'subject'), 'latest', signal));
      },
    },
  ];
}
