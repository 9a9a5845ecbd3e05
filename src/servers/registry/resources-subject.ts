import type { ResourceTemplateDefinition } from '../../core/define.js';
import { completeRegistry, completeSubject, JSON_TYPE, json, variable } from './resources-shared.js';
import { readSubjectSetting } from './subject-setting.js';
import { path, type RegistryContext } from './tools/shared.js';

/**
 * Per-subject resources: `schema://{registry}/{subject}/versions`, `subject://{registry}/{subject}/config` and
 * `subject://{registry}/{subject}/mode`. They must be offered before `schema://{registry}/{subject}/{version}`,
 * which would otherwise take "versions" for a version and refuse it.
 */
export function subjectResourceTemplates(ctx: RegistryContext): ResourceTemplateDefinition[] {
  const complete = { registry: completeRegistry(ctx), subject: completeSubject(ctx) };
  const target = (variables: Record<string, string | string[]>) => ({
    client: ctx.pick(variable(variables, 'registry')),
    subject: variable(variables, 'subject'),
  });
  return [
    {
      name: 'schema-versions',
      title: 'Versions of a subject',
      description:
        'The live version numbers of a subject, and those soft-deleted (still readable with deleted=true)',
      uriTemplate: 'schema://{registry}/{subject}/versions',
      mimeType: JSON_TYPE,
      complete,
      read: async (uri, variables, signal) => {
        const { client, subject } = target(variables);
        const route = path('subjects', subject, 'versions');
        const live = await client.call<number[]>('GET', route, undefined, signal);
        const all = await client.call<number[]>('GET', `${route}?deleted=true`, undefined, signal);
        return json(uri.href, {
          registry: client.name,
          subject,
          versions: live,
          soft_deleted: all.filter((v) => !live.includes(v)),
        });
      },
    },
    {
      name: 'subject-config',
      title: "A subject's compatibility level",
      description:
        "A subject's compatibility level, and whether it is its own or inherited from the registry's",
      uriTemplate: 'subject://{registry}/{subject}/config',
      mimeType: JSON_TYPE,
      complete,
      read: async (uri, variables, signal) => {
        const { client, subject } = target(variables);
        const { value, inherited } = await readSubjectSetting(client, 'config', subject, signal);
        return json(uri.href, { registry: client.name, subject, compatibility: value, inherited });
      },
    },
    {
      name: 'subject-mode',
      title: "A subject's mode",
      description:
        "A subject's mode (READWRITE, READONLY, IMPORT), and whether it is its own or the registry's",
      uriTemplate: 'subject://{registry}/{subject}/mode',
      mimeType: JSON_TYPE,
      complete,
      read: async (uri, variables, signal) => {
        const { client, subject } = target(variables);
        const { value, inherited } = await readSubjectSetting(client, 'mode', subject, signal);
        return json(uri.href, { registry: client.name, subject, mode: value, inherited });
      },
    },
  ];
}
