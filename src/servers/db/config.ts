import { z } from 'zod';
import { commonOptions } from '../../core/config.js';

export const dbConfigSchema = z.object({
  url: z
    .string()
    .min(1)
    .optional()
    .describe(
      'sqlite:<path>, postgres://user@host/db or mysql://user@host/db (MariaDB too); without one, a demo SQLite database',
    ),
  allowWrites: z
    .boolean()
    .default(false)
    .describe(
      'Register the execute tool (one writing statement at a time, still inside the allowed schemas)',
    ),
  schemas: z
    .array(z.string().min(1))
    .default([])
    .describe("Schemas (MySQL: databases) the tools may reach; default: the connection's default schema"),
  maxRows: z
    .number()
    .int()
    .positive()
    .max(100_000)
    .default(1_000)
    .describe('Most rows one query returns, whatever max_rows asks for'),
  poolSize: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Most connections to PostgreSQL or MySQL at once'),
  ...commonOptions,
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Per-call time budget in milliseconds; also the statement timeout the engine enforces'),
});

export type DbConfig = z.output<typeof dbConfigSchema>;
