import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { sandboxFiles } from '../flexible/sandbox-files.js';
import { type TemplateIssue, type TemplateReport, validateTemplate } from '../flexible/validate-template.js';
import { detectFlexibleConfiguration } from '../flexible.js';
import { nativeCheck, nativeRunner } from '../native.js';
import { validateText } from '../validate.js';
import { flexibleArgument, templateFile } from './flexible-input.js';
import { configArgument, issueSchema, type KrakendContext, READ_ONLY, readConfig } from './shared.js';

const layerSchema = z.object({
  layer: z.enum(['json', 'structure', 'namespaces', 'schema', 'audit', 'native']),
  status: z.enum(['ran', 'unavailable', 'skipped']),
  detail: z.string(),
});

const nativeSchema = z.object({
  ran: z.boolean(),
  binary: z.string().optional(),
  version: z.string().optional(),
  passed: z.boolean().optional().describe('Whether `krakend check` accepted the config'),
  via: z.enum(['binary', 'docker']).optional(),
  agrees: z.boolean().optional().describe("Whether KrakenD's verdict matches `valid`"),
  output: z.string().optional(),
  reason: z.string().optional().describe('Why it did not run'),
});

const flexibleSchema = z.object({
  detected: z.boolean(),
  markers: z.number().int(),
  settings: z.array(z.string()).describe('Settings files the template reads (FC_SETTINGS/<name>.json)'),
  partials: z.array(z.string()).describe('Files it includes verbatim (FC_PARTIALS)'),
  templates: z.array(z.string()).describe('Sub-templates it renders (FC_TEMPLATES)'),
  explanation: z.string(),
  rendered: z.boolean().describe('Rampart rendered the template itself, and the errors point into its files'),
  edition: z
    .enum(['ce', 'ee'])
    .optional()
    .describe('Which engine rendered it: ee when flexible_config.json sits beside the template'),
  settings_files: z.array(z.string()).optional().describe('Settings files the render read'),
  notes: z
    .array(z.string())
    .optional()
    .describe('What the render did differently from a run of KrakenD, and why'),
});

export function validateConfigTool(ctx: KrakendContext) {
  return defineTool({
    name: 'validate_config',
    title: 'Validate a KrakenD config',
    description:
      'Validates a KrakenD config against the JSON schema of the version its $schema names (v2.1–v2.13; unversioned ' +
      'or missing means the latest), with no KrakenD binary needed. Every error has a JSON pointer, line and column, ' +
      'and a hint when the key belongs to another scope, another version, or is a KrakenD 1.x name. Enterprise-only ' +
      'namespaces are warnings, or errors with edition "ce". A Flexible Configuration template is detected and ' +
      'reported; pass the rendered file (FC_OUT) as `rendered` to validate it. When a krakend binary is installed, ' +
      '`krakend check` runs as a cross-check. The errors are authoritative: fix exactly those.',
    input: z.object({
      config: configArgument,
      edition: z
        .enum(['ce', 'ee'])
        .optional()
        .describe('The edition it must run on: "ce" makes Enterprise-only namespaces errors'),
      rendered: z
        .string()
        .optional()
        .describe(
          'For a Flexible Configuration template: a config KrakenD rendered (FC_OUT), to validate instead of rendering here',
        ),
      flexible: flexibleArgument,
      cross_check: z
        .boolean()
        .default(true)
        .describe('Also run `krakend check` when a krakend binary is installed'),
    }),
    output: z.object({
      valid: z.boolean(),
      version: z.string().optional().describe('Schema version validated against'),
      schema_url: z.string().optional(),
      version_note: z.string().optional(),
      draft: z.string().optional().describe('JSON Schema draft of that version'),
      schema_origin: z.string().optional().describe('local, cache or download'),
      errors: z.array(issueSchema),
      warnings: z.array(issueSchema),
      required_edition: z.enum(['ce', 'ee']).optional(),
      flexible_configuration: flexibleSchema.optional(),
      native_check: nativeSchema,
      layers: z
        .array(layerSchema)
        .describe('Each layer of checks and whether it ran; `valid` speaks only for the layers that ran'),
      complete: z.boolean().describe('Every layer ran (false offline without a schema: see layers)'),
    }),
    annotations: READ_ONLY,
    async handler(args, { signal }) {
      const given = await readConfig(ctx, args.config);
      const template = detectFlexibleConfiguration(given.text);
      const renderHere = template.detected && !args.rendered;
      const target =
        template.detected && args.rendered ? await readConfig(ctx, args.rendered, 'rendered') : given;
      const options = { ...(args.edition ? { edition: args.edition } : {}), signal };
      const report: TemplateReport = renderHere
        ? await validateTemplate(
            {
              text: given.text,
              file: templateFile(ctx, given),
            },
            sandboxFiles(ctx.sandbox, ctx.maxConfigBytes),
            args.flexible ?? {},
            ctx.registry,
            { ...options, maxBytes: ctx.maxConfigBytes },
          )
        : await validateText(target.text, ctx.registry, options);
      const checked = renderHere ? report.rendered?.text : target.text;
      const native = await crossCheck(
        ctx,
        args.cross_check && report.config !== undefined && checked !== undefined,
        checked ?? '',
        report.valid,
        signal,
      );
      const layers = [
        ...report.layers,
        {
          layer: 'native' as const,
          status: native.ran ? ('ran' as const) : ('skipped' as const),
          detail:
            'passed' in native
              ? `krakend check ${native.passed ? 'passed' : 'failed'}${native.agrees ? '' : ', which disagrees with the checks above'}`
              : native.reason,
        },
      ];
      return {
        valid: report.valid,
        ...(report.version ? { version: report.version } : {}),
        ...(report.schemaUrl ? { schema_url: report.schemaUrl } : {}),
        ...(report.versionNote ? { version_note: report.versionNote } : {}),
        ...(report.draft ? { draft: report.draft } : {}),
        ...(report.schemaOrigin ? { schema_origin: report.schemaOrigin } : {}),
        errors: report.errors.map(issueOut),
        warnings: report.warnings.map(issueOut),
        ...(report.requiredEdition ? { required_edition: report.requiredEdition } : {}),
        ...(template.detected
          ? {
              flexible_configuration: {
                ...template,
                settings: [...template.settings],
                partials: [...template.partials],
                templates: [...template.templates],
                rendered: renderHere && report.rendered !== undefined,
                ...(report.rendered
                  ? {
                      edition: report.rendered.edition,
                      settings_files: [...report.rendered.settingsFiles],
                      notes: [...report.rendered.notes],
                    }
                  : {}),
              },
            }
          : {}),
        native_check: native,
        layers,
        complete: layers.every((l) => l.status === 'ran' || l.layer === 'native'),
      };
    },
    present(result) {
      const schemaLayer = result.layers.find((l) => l.layer === 'schema');
      const against = schemaLayer?.status === 'ran' ? ` against KrakenD v${result.version} schema` : '';
      const lines = [
        result.valid
          ? result.complete
            ? `valid${against}`
            : `no errors in the checks that ran (KrakenD v${result.version}); not every layer ran:`
          : `invalid${against}: ${result.errors.length} error(s)`,
      ];
      for (const layer of result.layers) {
        if (layer.status !== 'ran' && layer.layer !== 'native') lines.push(`${layer.layer}: ${layer.detail}`);
      }
      if (result.version_note) lines.push(`(${result.version_note})`);
      const where = (i: (typeof result.errors)[number]) =>
        i.template_file ? `${i.template_file}:${i.template_line}` : `${i.line}:${i.column}`;
      for (const e of result.errors)
        lines.push(`error ${where(e)} ${e.pointer || '/'}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
      for (const w of result.warnings)
        lines.push(`warning ${where(w)} ${w.pointer || '/'}: ${w.message}${w.hint ? ` — ${w.hint}` : ''}`);
      const fc = result.flexible_configuration;
      if (fc?.rendered) {
        lines.push(
          `rendered as KrakenD ${fc.edition?.toUpperCase()} would (settings: ${fc.settings_files?.join(', ') || 'none'})`,
        );
        for (const note of fc.notes ?? []) lines.push(`note: ${note}`);
      } else if (fc) lines.push(fc.explanation);
      const native = result.native_check;
      lines.push(
        native.ran
          ? `krakend check (${native.version ?? 'unknown version'}): ${native.passed ? 'passed' : `failed\n${native.output ?? ''}`}`
          : `krakend check: not run (${native.reason})`,
      );
      return lines.join('\n');
    },
  });
}

function issueOut(issue: TemplateIssue) {
  const { templateFile, templateLine, ...rest } = issue;
  return {
    ...rest,
    ...(templateFile ? { template_file: templateFile, template_line: templateLine } : {}),
  };
}

async function crossCheck(
  ctx: KrakendContext,
  wanted: boolean,
  text: string,
  valid: boolean,
  signal: AbortSignal,
) {
  if (!wanted) return { ran: false, reason: 'not requested, or the config is not JSON' };
  const runner = await nativeRunner(await ctx.installed());
  if (!runner)
    return {
      ran: false,
      reason: 'no krakend binary installed, nor Docker with a KrakenD image; the checks above stand alone',
    };
  const result = await nativeCheck(runner, text, signal);
  const passed = result.exitCode === 0;
  return {
    ran: true,
    binary: runner.label,
    via: runner.via,
    ...(runner.version ? { version: runner.version } : {}),
    passed,
    agrees: passed === valid,
    output: result.output.slice(0, 4000),
  };
}
