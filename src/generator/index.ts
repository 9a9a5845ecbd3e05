import { clientProject } from './kinds/client.js';
import { customProject } from './kinds/custom.js';
import { dbProject } from './kinds/db.js';
import { fsProject } from './kinds/fs.js';
import { gitProject } from './kinds/git.js';
import { type GenerateOptions, type ProjectSpec, projectSpec } from './spec.js';

export { npmNameProblem, toolNameProblem } from './names.js';
export { KINDS, type Kind, type ProjectSpec, projectSpec } from './spec.js';

export class SpecError extends Error {}

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
 * (`src/settings.json`, package.json) and the README, never in code.
 */
export function generate(input: unknown, options: GenerateOptions): Map<string, string> {
  const spec = parseSpec(input);
  switch (spec.kind) {
    case 'fs':
      return fsProject(spec, options);
    case 'custom':
      return customProject(spec, options);
    case 'git':
      return gitProject(spec, options);
    case 'db':
      return dbProject(spec, options);
    case 'client':
      return clientProject(spec, options);
  }
}
