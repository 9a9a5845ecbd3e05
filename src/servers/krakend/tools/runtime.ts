import path from 'node:path';
import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { detectFlexibleConfiguration } from '../flexible.js';
import { isObject } from '../schema/documents.js';
import { detectTarget } from '../target.js';
import { type KrakendContext, READ_ONLY, readConfig } from './shared.js';

const installedSchema = z.object({
  installed: z.boolean(),
  path: z.string().optional(),
  version: z.string().optional(),
});

export function detectRuntimeTool(ctx: KrakendContext) {
  return defineTool({
    name: 'detect_runtime_environment',
    title: 'Detect how KrakenD can run here',
    description:
      'Reports whether a krakend binary and Docker are installed (and their versions), which KrakenD version and ' +
      'edition a config targets, whether the local binary matches, and the commands to check, audit or run it ' +
      '(with the Flexible Configuration variables when the config is a template). Answers without waiting on the ' +
      "network: without the schema, the edition comes from Rampart's built-in namespace list (edition_source " +
      'says which), and what only the schema can decide is listed in unchecked. Rampart validates and audits without krakend or Docker; they are only cross-checks.',
    input: z.object({
      config: z
        .string()
        .min(1)
        .optional()
        .describe('A config (JSON text or a path inside the allowed directories) to target; optional'),
    }),
    output: z.object({
      krakend: installedSchema,
      docker: installedSchema,
      target_version: z.string(),
      version_note: z.string().optional(),
      edition: z
        .enum(['ce', 'ee', 'unknown'])
        .describe('The edition the config needs; unknown only when the config itself could not be read'),
      edition_source: z
        .enum(['schema', 'rampart'])
        .describe(
          "Where the edition came from: the version's schema, or Rampart's built-in namespace list when the schema was not at hand",
        ),
      version_match: z.boolean().describe('The local krakend has the target major.minor'),
      execution_mode: z.enum(['native', 'docker', 'native_mismatch', 'schema_only']),
      recommended_image: z.string(),
      flexible_configuration: z.boolean(),
      commands: z.array(z.object({ purpose: z.string(), command: z.string() })),
      unchecked: z.array(z.string()).describe('What could not be checked here, why, and how to check it'),
    }),
    annotations: { ...READ_ONLY, idempotentHint: false },
    async handler(args, { signal }) {
      const installed = await ctx.installed();
      const given = args.config ? await readConfig(ctx, args.config) : undefined;
      const fc = given ? detectFlexibleConfiguration(given.text) : undefined;
      const { parsed, unreadable } = configObject(given?.text, fc?.detected ?? false);
      const target = await detectTarget(ctx.registry, parsed, signal);
      const edition = given && !parsed ? 'unknown' : target.edition;
      const local = installed.krakend?.version?.split('.').slice(0, 2).join('.');
      const versionMatch = local === target.version;
      const image = `${edition === 'ee' ? 'krakend/krakend-ee' : 'krakend'}:${target.version}`;
      const mode = executionMode(
        installed.krakend !== undefined,
        installed.docker !== undefined,
        versionMatch,
      );
      const file = given?.file ? path.basename(given.file) : fc?.detected ? 'krakend.tmpl' : 'krakend.json';
      const fcEnv = fc?.detected
        ? 'FC_ENABLE=1 FC_SETTINGS=settings/<env> FC_PARTIALS=partials FC_TEMPLATES=templates FC_OUT=out.json '
        : '';
      const dockerFcEnv = fc?.detected
        ? '-e FC_ENABLE=1 -e FC_SETTINGS=/etc/krakend/settings/<env> -e FC_PARTIALS=/etc/krakend/partials -e FC_TEMPLATES=/etc/krakend/templates -e FC_OUT=/etc/krakend/out.json '
        : '';
      const commands =
        mode === 'docker'
          ? ['check -t -c', 'audit -c', 'run -c'].map((verb) => ({
              purpose: verb.split(' ')[0] as string,
              command: `docker run --rm -v "$PWD:/etc/krakend" ${dockerFcEnv}${image} ${verb} /etc/krakend/${file}`,
            }))
          : ['check -t -c', 'audit -c', 'run -c'].map((verb) => ({
              purpose: verb.split(' ')[0] as string,
              command: `${fcEnv}krakend ${verb} ${file}`,
            }));
      return {
        krakend: describeInstalled(installed.krakend),
        docker: describeInstalled(installed.docker),
        target_version: target.version,
        ...(target.note ? { version_note: target.note } : {}),
        edition,
        edition_source: target.editionSource,
        version_match: versionMatch,
        execution_mode: mode,
        recommended_image: image,
        flexible_configuration: fc?.detected ?? false,
        commands,
        unchecked: [...unreadable, ...target.unchecked],
      };
    },
    present: (r) =>
      [
        `krakend: ${r.krakend.installed ? `${r.krakend.path} (${r.krakend.version ?? 'version unknown'})` : 'not installed'}`,
        `docker: ${r.docker.installed ? `${r.docker.path} (${r.docker.version ?? 'version unknown'})` : 'not installed'}`,
        `target: KrakenD ${r.edition === 'unknown' ? '(edition unknown)' : r.edition.toUpperCase()} v${r.target_version}${r.version_note ? ` (${r.version_note})` : ''}; mode ${r.execution_mode}`,
        ...(r.edition_source === 'rampart' && r.edition !== 'unknown'
          ? ["edition: from Rampart's built-in namespace list (the schema was not at hand)"]
          : []),
        ...r.commands.map((c) => `${c.purpose}: ${c.command}`),
        ...r.unchecked.map((line) => `not checked: ${line}`),
      ].join('\n'),
  });
}

/** The config as an object, when it is one; otherwise what that leaves unchecked. */
function configObject(
  text: string | undefined,
  template: boolean,
): { parsed?: Record<string, unknown>; unreadable: string[] } {
  if (text === undefined) return { unreadable: [] };
  if (template)
    return {
      unreadable: ['edition: the config is a Flexible Configuration template; validate its rendered file'],
    };
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return { parsed: value, unreadable: [] };
  } catch {
    // reported below
  }
  return {
    unreadable: ['version and edition: the config is not a JSON object (validate_config says where)'],
  };
}

type ExecutionMode = 'native' | 'docker' | 'native_mismatch' | 'schema_only';

/** The local binary when it has the config's version, else Docker (which can pull it), else whatever exists. */
function executionMode(hasKrakend: boolean, hasDocker: boolean, versionMatch: boolean): ExecutionMode {
  if (hasKrakend && versionMatch) return 'native';
  if (hasDocker) return 'docker';
  return hasKrakend ? 'native_mismatch' : 'schema_only';
}

function describeInstalled(found: { path: string; version?: string } | undefined) {
  return found
    ? { installed: true, path: found.path, ...(found.version ? { version: found.version } : {}) }
    : { installed: false };
}
