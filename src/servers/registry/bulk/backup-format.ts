import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Refusal } from '../../../core/errors.js';

export const BACKUP_FORMAT = 'rampart.registry.backup/1';

const referenceSchema = z.object({ name: z.string(), subject: z.string(), version: z.number().int() });

export const backupVersionSchema = z.object({
  version: z.number().int().min(1),
  id: z.number().int().min(0),
  schemaType: z.enum(['AVRO', 'JSON', 'PROTOBUF']),
  schema: z.string(),
  references: z.array(referenceSchema),
  /** Kept as the registry answered them: they take part in the schema's identity. */
  metadata: z.record(z.string(), z.unknown()).optional(),
  ruleSet: z.record(z.string(), z.unknown()).optional(),
  /** Soft-deleted at backup time: restored as a soft-deleted version with its id. */
  deleted: z.boolean(),
});

/** A subject's own settings, as GET /config/{subject} answers them (no override: null). */
const ownConfigSchema = z
  .object({
    compatibilityLevel: z.string().optional(),
    normalize: z.boolean().optional(),
    alias: z.string().optional(),
  })
  .nullable();

export const backupSubjectSchema = z.object({
  subject: z.string().min(1),
  versions: z.array(backupVersionSchema),
  config: ownConfigSchema,
  mode: z.string().nullable(),
});

export const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  registry: z.string().min(1),
  label: z.string(),
  taken_at: z.string(),
  scope: z.union([z.literal('all'), z.object({ subjects: z.array(z.string()) })]),
  global: z.object({ compatibilityLevel: z.string().nullable(), mode: z.string().nullable() }),
  subjects: z.array(backupSubjectSchema),
});

export type Backup = z.output<typeof backupSchema>;
export type BackupSubject = z.output<typeof backupSubjectSchema>;
export type BackupVersion = z.output<typeof backupVersionSchema>;

/** Checks a parsed document against the backup format; the error names the first field that is wrong. */
export function parseBackup(document: unknown, where: string): Backup {
  const result = backupSchema.safeParse(document);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw new Refusal(`${where} is not a ${BACKUP_FORMAT} backup: ${at}: ${issue?.message ?? 'invalid'}`);
}

export async function readBackup(file: string): Promise<Backup> {
  const text = await readFile(file, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Refusal(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseBackup(document, file);
}
