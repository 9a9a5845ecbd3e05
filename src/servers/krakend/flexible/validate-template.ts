import path from 'node:path';
import { Refusal } from '../../../core/errors.js';
import type { Edition } from '../schema/catalog.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { type Issue, type ValidationReport, validateText } from '../validate.js';
import { type CommunityDirs, type FlexibleFiles, type Rendered, renderFlexible } from './render.js';
import { locate } from './source-map.js';
import { TemplateError } from './template/errors.js';

/** An issue found in the rendered config, with the template (or partial, settings…) line that produced it. */
export interface TemplateIssue extends Issue {
  readonly templateFile?: string;
  readonly templateLine?: number;
}

export interface TemplateReport extends Omit<ValidationReport, 'errors' | 'warnings'> {
  readonly errors: readonly TemplateIssue[];
  readonly warnings: readonly TemplateIssue[];
  readonly rendered?: Rendered;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

/** Where a position in the rendered text came from, for positions past the start of the document. */
export function mapBack(rendered: Rendered, issue: { line: number; column: number }) {
  const origin = locate(rendered, offsetOf(rendered.text, issue.line, issue.column));
  return origin ? { templateFile: origin.file, templateLine: origin.line } : {};
}

/**
 * Renders a Flexible Configuration template, then validates the result; every issue carries the template file and
 * line it came from. A template that cannot render is one error at its own file and line.
 */
export async function validateTemplate(
  template: { text: string; file: string },
  files: FlexibleFiles,
  dirs: CommunityDirs,
  registry: SchemaRegistry,
  options: { edition?: Edition; signal?: AbortSignal; maxBytes: number },
): Promise<TemplateReport> {
  let rendered: Rendered;
  try {
    rendered = await renderFlexible(template, files, dirs, options.maxBytes);
  } catch (error) {
    if (!(error instanceof TemplateError) && !(error instanceof Refusal)) throw error;
    const where =
      error instanceof TemplateError
        ? error
        : new TemplateError(path.basename(template.file), 1, error.message);
    return {
      valid: false,
      errors: [
        {
          pointer: '',
          line: where.line,
          column: 1,
          code: 'flexible_configuration',
          message: `the template does not render: ${where.reason}`,
          templateFile: where.file,
          templateLine: where.line,
        },
      ],
      warnings: [],
      layers: [
        { layer: 'json', status: 'skipped', detail: 'the template did not render, so nothing after it ran' },
      ],
    };
  }
  const report = await validateText(rendered.text, registry, {
    rendered: true,
    ...(options.edition ? { edition: options.edition } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const map = (issue: Issue): TemplateIssue => ({ ...issue, ...mapBack(rendered, issue) });
  return { ...report, errors: report.errors.map(map), warnings: report.warnings.map(map), rendered };
}
