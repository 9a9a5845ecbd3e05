import { z } from 'zod';
import { commonOptions } from '../../core/config.js';

export const gitConfigSchema = z.object({
  repositories: z
    .array(z.string())
    .min(1, 'give at least one repository, e.g. `rampart git .`')
    .describe(
      'Repositories the server may read: top-level directories of working trees, or bare repositories',
    ),
  ignoreClientRoots: z
    .boolean()
    .default(false)
    .describe(
      'Serve every configured repository even when the client sends MCP roots (roots only narrow them)',
    ),
  gitBinary: z
    .string()
    .default('git')
    .describe('The git executable: a name looked up on PATH once at start, or an absolute path'),
  maxOutputBytes: z
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024)
    .describe('Most bytes read from one git command; longer output (a large diff) is cut with a marker'),
  ...commonOptions,
});

export type GitConfig = z.output<typeof gitConfigSchema>;
