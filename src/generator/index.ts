import { SpecError } from './errors.js';
import { apiProject } from './kinds/api.js';
import { clientProject } from './kinds/client.js';
import { customProject } from './kinds/custom.js';
import { dbProject } from './kinds/db.js';
import { fsProject } from './kinds/fs.js';
import { gitProject } from './kinds/git.js';
import { type GenerateOptions, type ProjectSpec, projectSpec } from './spec.js';

export { SpecError } from './errors.js';
export { npmNameProblem, toolNameProblem } from './names.js';
export { KINDS, type Kind, type ProjectSpec, projectSpec } from './spec.js';

/** Validates a spec, naming the first problem's key. */
export function parseSpec(input: unknown): ProjectSpec {
  const parsed = projectSpec.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new SpecError(`${where}${issue?.message ?? 'invalid spec'}`);
}

/**
 * The generator: a pure function from a spec to the project's files (relative path → content). It reads and
 * writes nothing, so the CLI and the console share it. User text lands only in JSON data files
 * (`src/settings.json`, `src/api.json`, package.json) and the README, never in code.
 */
export function generate(input: unknown, options: GenerateOptions): Map<string, string> {
  return generateProject(input, options).files;
}

/** `generate`, with the notes on what was left out or renamed (the api kind's unsupported operations). */
export function generateProject(
  input: unknown,
  options: GenerateOptions,
): { files: Map<string, string>; notes: string[] } {
  const spec = parseSpec(input);
  switch (spec.kind) {
    case 'fs':
      return { files: fsProject(spec, options), notes: [] };
    case 'custom':
      return { files: customProject(spec, options), notes: [] };
    case 'git':
      return { files: gitProject(spec, options), notes: [] };
    case 'db':
      return { files: dbProject(spec, options), notes: [] };
    case 'client':
      return { files: clientProject(spec, options), notes: [] };
    case 'api':
      return apiProject(spec, options);
  }
}
