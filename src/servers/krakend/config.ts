import { z } from 'zod';
import { commonOptions } from '../../core/config.js';

export const krakendConfigSchema = z.object({
  roots: z
    .array(z.string())
    .default(['.'])
    .describe(
      'Directories from which a tool may read a config given as a file path (inline JSON needs none)',
    ),
  ignoreClientRoots: z
    .boolean()
    .default(false)
    .describe('Use every configured directory even when the client sends MCP roots (roots only narrow them)'),
  dataDir: z
    .string()
    .default('~/.rampart/krakend')
    .describe('Where downloaded schemas and the docs index are kept (created 0700)'),
  schemaDir: z
    .string()
    .optional()
    .describe(
      'A local copy of krakend.io/schema (v2.13/krakend.json, …): schemas come from here, never the network',
    ),
  schemaBaseUrl: z
    .url()
    .default('https://www.krakend.io/schema/')
    .describe('Where schemas are downloaded from when neither schemaDir nor the cache has them'),
  docsDir: z
    .string()
    .optional()
    .describe('A folder of KrakenD documentation markdown to index instead of downloading llms-full.txt'),
  docsUrl: z
    .url()
    .default('https://www.krakend.io/llms-full.txt')
    .describe('The documentation to download and index when docsDir is not set'),
  docsSnapshotDir: z
    .string()
    .optional()
    .describe(
      'The dated docs snapshot to use when nothing is cached: default the one shipped beside the program; "none" for none',
    ),
  docsMaxAgeDays: z
    .number()
    .positive()
    .default(7)
    .describe('Age after which the downloaded docs are re-checked (with their ETag) in the background'),
  offline: z
    .boolean()
    .default(false)
    .describe('Never download: schemas and docs come from schemaDir, docsDir or the cache'),
  downloadTimeoutMs: z.number().int().positive().default(20_000).describe('Time allowed for one download'),
  maxDownloadBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024)
    .describe('Largest schema or docs file downloaded'),
  maxConfigBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024)
    .describe('Largest KrakenD config a tool reads from a file'),
  krakendBinary: z
    .string()
    .default('krakend')
    .describe('A KrakenD binary for cross-checks (`krakend check`, `krakend audit`) when one is installed'),
  ...commonOptions,
});

export type KrakendConfig = z.output<typeof krakendConfigSchema>;
