import { z } from 'zod';
import { commonOptions } from '../../core/config.js';

export const sessionsConfigSchema = z.object({
  store: z
    .enum(['file', 'redis'])
    .optional()
    .describe(
      'Where shared state lives: file or redis (default: what update_storage_settings last chose, else file)',
    ),
  projectDir: z
    .string()
    .default('.')
    .describe(
      'The project the sessions work on: its git remote (owner/repo) or directory name names the project',
    ),
  directory: z
    .string()
    .default('.claude/session-state')
    .describe('File store directory, relative to projectDir (created 0700)'),
  redisUrl: z
    .string()
    .optional()
    .describe('Redis URL for the Redis store: redis://host:6379 or rediss:// for TLS'),
  redisUsername: z.string().optional().describe('Redis ACL user name'),
  redisTlsCa: z
    .string()
    .optional()
    .describe('CA certificate (PEM file) that signed a rediss:// server’s certificate'),
  redisPassword: z.string().optional().describe('Redis password (better in RAMPART_SESSIONS_REDIS_PASSWORD)'),
  redisKeyPrefix: z
    .string()
    .default('rampart:sessions:')
    .describe('Prefix of every Redis key (an ACL user can be limited to it)'),
  machineId: z.string().default('auto').describe('This machine in session identities; auto: the host name'),
  project: z
    .string()
    .optional()
    .describe('The project name; default: git remote owner/repo, else the directory name'),
  maxSlots: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(16)
    .describe('How many sessions (claude_1…claude_N) may be signed on'),
  sessionTtlMs: z
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000)
    .describe('How long a session slot lasts without a call; every call renews it'),
  ...commonOptions,
});

export type SessionsConfig = z.output<typeof sessionsConfigSchema>;
