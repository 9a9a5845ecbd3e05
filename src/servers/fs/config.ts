import { z } from 'zod';
import { commonOptions } from '../../core/config.js';

export const fsConfigSchema = z.object({
  roots: z
    .array(z.string())
    .min(1, 'give at least one directory, e.g. `rampart fs .`')
    .describe('Directories the server may use'),
  ignoreClientRoots: z
    .boolean()
    .default(false)
    .describe(
      'Use the operator roots even when the client sends MCP roots (client roots can only narrow them)',
    ),
  maxEditBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024)
    .describe('Largest file edit_file will load, in bytes'),
  maxWalkEntries: z
    .number()
    .int()
    .positive()
    .default(1_000_000)
    .describe('Most directory entries one search, tree or grep visits'),
  ...commonOptions,
});

export type FsConfig = z.output<typeof fsConfigSchema>;
