import { z } from 'zod';
import { commonOptions } from '../../core/config.js';

export const registryEntrySchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-" only')
    .describe('How tools name it'),
  url: z.url().describe('Base URL of a Confluent-compatible Schema Registry'),
  username: z.string().optional().describe('Basic auth user'),
  password: z.string().optional().describe('Basic auth password'),
  token: z.string().optional().describe('Bearer token (instead of basic auth)'),
  tlsCa: z.string().optional().describe('CA certificate (PEM file) to verify the registry with'),
  tlsCert: z.string().optional().describe('Client certificate (PEM file) for mTLS'),
  tlsKey: z.string().optional().describe('Client key (PEM file) for mTLS'),
  viewonly: z.boolean().default(false).describe('Refuse every write to this registry'),
});

export type RegistryEntry = z.output<typeof registryEntrySchema>;

export const registryConfigSchema = z.object({
  registries: z
    .array(registryEntrySchema)
    .default([])
    .describe('Registries to serve; SCHEMA_REGISTRY_URL (and _1.._8) are read when this is empty'),
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(15_000)
    .describe('Time allowed for one registry request'),
  backupDir: z
    .string()
    .min(1)
    .default('~/.rampart/registry-backups')
    .describe(
      'Where bulk operations write their backups before the first change, and the only place restore_backup reads from',
    ),
  schemaDir: z
    .string()
    .min(1)
    .optional()
    .describe('The directory bulk_register may read schema folders from; unset, it takes bundles only'),
  ...commonOptions,
});

export type RegistryConfig = z.output<typeof registryConfigSchema>;
