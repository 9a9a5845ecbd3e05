import { z } from 'zod';
import { defineTool } from '../../../core/define.js';
import { audit } from '../audit/audit.js';
import { SEVERITIES } from '../audit/rules.js';
import { mapBack } from '../flexible/validate-template.js';
import { detectFlexibleConfiguration } from '../flexible.js';
import { nativeAudit, nativeRunner } from '../native.js';
import { DocumentPositions } from '../positions.js';
import { flexibleArgument, renderTemplate } from './flexible-input.js';
import { configArgument, type KrakendContext, parseConfigJson, READ_ONLY, readConfig } from './shared.js';

const severity = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);

export function auditSecurityTool(ctx: KrakendContext) {
  return defineTool({
    name: 'audit_security',
    title: 'Audit a KrakenD config for security',
    description:
      "Runs every rule of KrakenD's own audit (`krakend audit`, rule ids 1.1.1–7.3.1) natively, no binary needed, " +
      'and returns the findings in the same order with the same messages, each with the JSON pointer, line and ' +
      'column that made it fire and a plain explanation. `exclude` skips rule ids (like --ignore); `severities` ' +
      'keeps only those levels (like --severity; an include list, not a minimum). When a krakend binary is ' +
      'installed its audit runs as a cross-check. Legacy KrakenD 1.x namespaces count as their new names. A ' +
      'Flexible Configuration template is rendered first (as validate_config does) and each finding names the ' +
      'template, partial or settings file and line that produced it.',
    input: z.object({
      config: configArgument,
      exclude: z
        .array(z.string().regex(/^\d+\.\d+\.\d+$/, 'a rule id like 1.1.1'))
        .default([])
        .describe('Rule ids to skip'),
      severities: z
        .array(z.string())
        .default([...SEVERITIES])
        .describe('Severities to report: any of CRITICAL, HIGH, MEDIUM, LOW (case-insensitive)'),
      flexible: flexibleArgument,
      cross_check: z
        .boolean()
        .default(true)
        .describe('Also run `krakend audit` when a krakend binary is installed'),
    }),
    output: z.object({
      passed: z.boolean().describe('No CRITICAL or HIGH finding'),
      findings: z.array(
        z.object({
          rule: z.string(),
          severity,
          message: z.string().describe("krakend-audit's message"),
          pointer: z.string(),
          line: z.number().int(),
          column: z.number().int(),
          explanation: z.string().describe('What in this config made the rule fire'),
          template_file: z
            .string()
            .optional()
            .describe('For a Flexible Configuration template: the file that produced the finding'),
          template_line: z.number().int().optional().describe('The line in that file'),
        }),
      ),
      flexible_configuration: z
        .object({
          edition: z.enum(['ce', 'ee']).describe('Which engine rendered the template'),
          settings_files: z.array(z.string()),
          notes: z.array(z.string()).describe('What the render did differently from a run of KrakenD'),
        })
        .optional()
        .describe('Present when the config was a template that Rampart rendered before auditing'),
      counts: z.object({ CRITICAL: z.number(), HIGH: z.number(), MEDIUM: z.number(), LOW: z.number() }),
      rules_evaluated: z.number().int(),
      native_check: z.object({
        ran: z.boolean(),
        version: z.string().optional(),
        via: z.enum(['binary', 'docker']).optional(),
        rules: z.array(z.string()).optional().describe('Rule ids `krakend audit` reported'),
        only_native: z.array(z.string()).optional().describe('Rules KrakenD reported and Rampart did not'),
        only_rampart: z.array(z.string()).optional().describe('Rules Rampart reported and KrakenD did not'),
        agrees: z.boolean().optional(),
        reason: z.string().optional(),
      }),
    }),
    annotations: READ_ONLY,
    async handler(args, { signal }) {
      const given = await readConfig(ctx, args.config);
      const rendered = detectFlexibleConfiguration(given.text).detected
        ? await renderTemplate(ctx, given, args.flexible ?? {})
        : undefined;
      const text = rendered?.text ?? given.text;
      const config = parseConfigJson(rendered ? { text, label: `${given.label} (rendered)` } : given, {
        rendered: rendered !== undefined,
      });
      const report = audit(config, { exclude: args.exclude, severities: args.severities });
      const positions = new DocumentPositions(text);
      const findings = report.findings.map((f) => {
        const at = positions.of(f.pointer, true);
        const origin = rendered ? mapBack(rendered, at) : {};
        return {
          ...f,
          ...at,
          ...('templateFile' in origin
            ? { template_file: origin.templateFile, template_line: origin.templateLine }
            : {}),
        };
      });
      const counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 };
      for (const f of findings) counts[f.severity]++;
      const ours = findings.map((f) => f.rule);
      const severities = args.severities.map((s) => s.trim().toUpperCase());
      return {
        passed: counts.CRITICAL === 0 && counts.HIGH === 0,
        findings,
        counts,
        rules_evaluated: report.rulesEvaluated,
        ...(rendered
          ? {
              flexible_configuration: {
                edition: rendered.edition,
                settings_files: [...rendered.settingsFiles],
                notes: [...rendered.notes],
              },
            }
          : {}),
        native_check: await crossCheck(ctx, args.cross_check, text, args.exclude, severities, ours, signal),
      };
    },
    present(result) {
      const lines = result.findings.map(
        (f) =>
          `${f.rule}\t[${f.severity}]\t${f.message}\n\t${f.template_file ? `${f.template_file}:${f.template_line}` : `${f.line}:${f.column}`} ${f.pointer || '/'}: ${f.explanation}`,
      );
      lines.push(
        `${result.findings.length} finding(s): ${Object.entries(result.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}; ${result.rules_evaluated} rules evaluated`,
      );
      const fc = result.flexible_configuration;
      if (fc)
        lines.push(
          `rendered as KrakenD ${fc.edition.toUpperCase()} would (settings: ${fc.settings_files.join(', ') || 'none'})`,
        );
      const native = result.native_check;
      lines.push(
        native.ran
          ? `krakend audit: ${native.agrees ? 'same findings' : `differs: only krakend ${(native.only_native ?? []).join(', ') || '-'}; only Rampart ${(native.only_rampart ?? []).join(', ') || '-'}`}`
          : `krakend audit: not run (${native.reason})`,
      );
      return lines.join('\n');
    },
  });
}

async function crossCheck(
  ctx: KrakendContext,
  wanted: boolean,
  text: string,
  exclude: readonly string[],
  severities: readonly string[],
  ours: readonly string[],
  signal: AbortSignal,
) {
  if (!wanted) return { ran: false, reason: 'not requested' };
  const runner = await nativeRunner(await ctx.installed());
  if (!runner)
    return {
      ran: false,
      reason:
        'no krakend binary installed, nor Docker with a KrakenD image; the native audit above stands alone',
    };
  const result = await nativeAudit(runner, text, exclude, severities, signal);
  if (!result.rules) {
    return { ran: false, reason: `krakend audit gave no JSON: ${result.run.output.slice(0, 300)}` };
  }
  const theirs = new Set(result.rules);
  const mine = new Set(ours);
  return {
    ran: true,
    via: runner.via,
    ...(runner.version ? { version: runner.version } : {}),
    rules: result.rules,
    agrees: result.rules.join(',') === ours.join(','),
    only_native: result.rules.filter((rule) => !mine.has(rule)),
    only_rampart: ours.filter((rule) => !theirs.has(rule)),
  };
}
