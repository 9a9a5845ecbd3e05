import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { requireConfirmation } from '../../../core/confirm.js';
import { defineTool, type ToolAnnotationsSpec } from '../../../core/define.js';
import { Refusal } from '../../../core/errors.js';
import { describePlan, planBackupRestore, restoreBackup } from '../backup.js';
import { isPartialFile } from '../bulk/atomic-write.js';
import { backupPathInside } from '../bulk/backup-dir.js';
import { readBackup } from '../bulk/backup-format.js';
import { confirmArg, READ_ONLY, type RegistryContext, registryArg } from './shared.js';
import { writable } from './write.js';

const DESTRUCTIVE: ToolAnnotationsSpec = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
};

/** A backup bigger than this is refused rather than read into memory. */
const MAX_BACKUP_BYTES = 256 * 1024 * 1024;
const MAX_LISTED = 200;

const versionRef = z.object({ subject: z.string(), version: z.number() });

/**
 * The backup a call names, checked: a regular file directly in the backup directory, also once links are
 * resolved (a symbolic link placed there cannot point a restore elsewhere), and of a sane size.
 */
async function backupFile(dir: string, requested: string): Promise<string> {
  const file = backupPathInside(dir, requested);
  const info = await lstat(file).catch(() => undefined);
  if (!info)
    throw new Refusal(`backup ${requested} does not exist in ${dir}; list_backups shows what is there`);
  if (!info.isFile()) throw new Refusal(`backup ${requested} is not a regular file`);
  if (info.size > MAX_BACKUP_BYTES)
    throw new Refusal(`backup ${requested} is larger than ${MAX_BACKUP_BYTES} bytes`);
  if (path.dirname(await realpath(file)) !== (await realpath(dir)))
    throw new Refusal(`backup ${requested} is not a file in the backup directory ${dir}`);
  return file;
}

export function backupTools(ctx: RegistryContext, options: { readonly backupDir: string }) {
  const dir = options.backupDir;
  return [
    defineTool({
      name: 'list_backups',
      title: 'List registry backups',
      description:
        'Lists the backups bulk operations wrote before their first change (newest first): file name, registry, ' +
        'what took it, when, and how many subjects it covers. restore_backup takes the file name.',
      input: z.object({ registry: registryArg.describe('Only backups of this registry') }),
      output: z.object({
        directory: z.string(),
        backups: z.array(
          z.object({
            file: z.string(),
            registry: z.string(),
            label: z.string(),
            taken_at: z.string(),
            scope: z.enum(['all', 'subjects']),
            subjects: z.number(),
            bytes: z.number(),
          }),
        ),
        unreadable: z.array(z.object({ file: z.string(), reason: z.string() })),
      }),
      annotations: READ_ONLY,
      async handler(args) {
        const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return [] as string[];
          throw error;
        });
        const backups = [];
        const unreadable = [];
        for (const file of names.filter((n) => n.endsWith('.json') && !isPartialFile(n))) {
          try {
            const info = await lstat(path.join(dir, file));
            if (!info.isFile() || info.size > MAX_BACKUP_BYTES) continue;
            const backup = await readBackup(path.join(dir, file));
            if (args.registry !== undefined && backup.registry !== args.registry) continue;
            backups.push({
              file,
              registry: backup.registry,
              label: backup.label,
              taken_at: backup.taken_at,
              scope: backup.scope === 'all' ? ('all' as const) : ('subjects' as const),
              subjects: backup.subjects.length,
              bytes: info.size,
            });
          } catch (error) {
            unreadable.push({ file, reason: (error as Error).message });
          }
        }
        backups.sort((a, b) => b.taken_at.localeCompare(a.taken_at));
        return { directory: dir, backups: backups.slice(0, MAX_LISTED), unreadable };
      },
    }),
    defineTool({
      name: 'restore_backup',
      title: 'Restore a registry backup',
      description:
        'Puts the subjects a backup covers back exactly as they were when it was taken: versions made since are ' +
        'removed for good, missing ones registered again under their ids and version numbers (IMPORT mode), soft ' +
        'deletes redone, compatibility and mode overrides set or removed; for a backup of a whole registry also ' +
        'the subjects made since and the global settings. `backup` is a file name from list_backups (only files ' +
        'in the backup directory are read). A dry run (the default) shows what would change. Running asks the ' +
        'user (elicitation, else `confirm: true`). The registry is the one the backup was taken from; refused when ' +
        'it is view-only.',
      input: z.object({
        backup: z
          .string()
          .min(1)
          .max(4096)
          .describe('The backup file name (from list_backups, or a bulk run)'),
        dry_run: z.boolean().default(true).describe('Only show what would change (the default)'),
        confirm: confirmArg,
      }),
      output: z.object({
        registry: z.string(),
        backup: z.string(),
        dry_run: z.boolean(),
        subjects: z.array(z.string()).describe('Subjects not as the backup had them'),
        removed: z.array(versionRef),
        registered: z.array(versionRef.extend({ id: z.number() })),
        soft_deleted: z.array(versionRef),
        settings: z.array(
          z.object({
            subject: z.string().nullable().describe('null: the global setting'),
            setting: z.enum(['config', 'mode']),
            from: z.unknown(),
            to: z.unknown(),
          }),
        ),
      }),
      annotations: DESTRUCTIVE,
      async handler(args, { signal, confirmation, progress }) {
        const file = await backupFile(dir, args.backup);
        const { registry } = await readBackup(file);
        const client = args.dry_run ? ctx.pick(registry) : writable(ctx, registry, 'restoring a backup');
        const { plan } = await planBackupRestore(client, file, signal);
        const planned = describePlan(client, file, plan);
        if (args.dry_run || planned.subjects.length === 0) return { ...planned, dry_run: args.dry_run };
        requireConfirmation(
          confirmation,
          args.confirm,
          `Restore ${planned.subjects.length} subject${planned.subjects.length === 1 ? '' : 's'} of registry ${client.name} from backup ${path.basename(file)}? Versions made since it was taken are removed for good.`,
        );
        const report = await restoreBackup(client, file, {
          signal,
          progress: (done, total, message) => void progress(done, total, message),
        });
        return { ...report, dry_run: false };
      },
    }),
  ];
}
