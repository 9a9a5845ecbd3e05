import path from 'node:path';
import { z } from 'zod';
import { Refusal } from '../../../core/errors.js';
import { type CommunityDirs, type Rendered, renderFlexible } from '../flexible/render.js';
import { sandboxFiles } from '../flexible/sandbox-files.js';
import { TemplateError } from '../flexible/template/errors.js';
import type { ConfigText } from '../input.js';
import type { KrakendContext } from './shared.js';

export const flexibleArgument = z
  .object({
    settings: z.string().optional().describe('FC_SETTINGS: the settings folder, e.g. "settings/prod"'),
    partials: z.string().optional().describe('FC_PARTIALS: default "partials" beside the template'),
    templates: z.string().optional().describe('FC_TEMPLATES: default "templates" beside the template'),
  })
  .optional()
  .describe(
    'Community Flexible Configuration folders, relative to the template; Enterprise reads flexible_config.json instead',
  );

/** Where an inline template is taken to sit: its partials and settings are looked up beside it. */
export function templateFile(ctx: KrakendContext, given: ConfigText): string {
  return given.file ?? path.join(ctx.sandbox.roots[0]?.real ?? process.cwd(), 'inline.tmpl');
}

/** Renders a template through the sandbox; one that cannot render is refused at its own file and line. */
export async function renderTemplate(
  ctx: KrakendContext,
  given: ConfigText,
  dirs: CommunityDirs,
): Promise<Rendered> {
  try {
    return await renderFlexible(
      { text: given.text, file: templateFile(ctx, given) },
      sandboxFiles(ctx.sandbox, ctx.maxConfigBytes),
      dirs,
      ctx.maxConfigBytes,
    );
  } catch (error) {
    if (error instanceof TemplateError)
      throw new Refusal(`${given.label} does not render: ${error.file}:${error.line}: ${error.reason}`);
    throw error;
  }
}
