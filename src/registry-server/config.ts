import { z } from 'zod';
import { httpTimeoutOptions } from '../core/http-timeouts.js';
import { COMPATIBILITY_LEVELS } from './compat/levels.js';

const credential = z.object({
  name: z.string().min(1).optional().describe('Basic auth user name (leave out for a bearer token)'),
  secret: z
    .string()
    .min(16, 'a password or token needs at least 16 characters')
    .describe('Password or bearer token'),
  readOnly: z.boolean().default(false).describe('May read and test compatibility, never register or delete'),
});

export const registryServerConfigSchema = z.object({
  host: z.string().default('127.0.0.1').describe('Address to listen on'),
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8081)
    .describe('Port (8081, as Confluent Schema Registry)'),
  store: z.enum(['sqlite', 'postgres']).default('sqlite').describe('Where schemas are kept'),
  sqlitePath: z
    .string()
    .default('~/.rampart/registry/registry.db')
    .describe('SQLite file for the sqlite store (created 0600 in a 0700 directory)'),
  postgresUrl: z
    .string()
    .optional()
    .describe('PostgreSQL URL for the postgres store (several instances may share it)'),
  auth: z
    .enum(['none', 'basic', 'bearer'])
    .default('none')
    .describe('none (loopback only), basic, or bearer; credentials in `credentials`'),
  credentials: z
    .array(credential)
    .default([])
    .describe('Who may call: name + secret for basic, secret for bearer'),
  defaultCompatibility: z
    .enum(COMPATIBILITY_LEVELS)
    .default('BACKWARD')
    .describe('Compatibility until one is set'),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024)
    .describe('Largest request body'),
  drainSeconds: z.number().positive().default(10).describe('How long a stop waits for requests in flight'),
  ...httpTimeoutOptions,
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('stderr log level'),
});

export type RegistryServerConfig = z.output<typeof registryServerConfigSchema>;
