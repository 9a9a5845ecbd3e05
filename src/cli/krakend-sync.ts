import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { Refusal } from '../core/errors.js';
import { terminalProgress } from '../servers/krakend/docs/progress.js';
import { expandDataDir, krakendConfigSchema } from '../servers/krakend/index.js';
import { exportCache, importCache } from '../servers/krakend/sync/bundle.js';
import { syncCache } from '../servers/krakend/sync/sync.js';
import { UsageError } from './usage-error.js';

interface SyncFlags {
  export?: string;
  import?: string;
  dataDir?: string;
  schemaBaseUrl?: string;
  docsUrl?: string;
  config?: string;
}

const say = (line: string) => process.stderr.write(`rampart: ${line}\n`);

/**
 * `rampart krakend sync`: fills the cache (every schema version, the docs index) for a machine that will later have
 * no network; `--export` writes that cache as one verifiable file and `--import` installs one on the air-gapped side.
 */
export function addKrakendSyncCommand(krakend: Command): void {
  krakend
    .command('sync')
    .description(
      'download every KrakenD schema version and the docs into the cache; or move a cache with --export/--import',
    )
    .option('--export <file>', 'write the cache as a tarball with a SHA-256 manifest (no download)')
    .option('--import <file>', 'verify such a tarball and install it as the cache (no download)')
    .option('--data-dir <dir>', 'the cache folder (default ~/.rampart/krakend)')
    .option(
      '--schema-base-url <url>',
      'where schemas are downloaded from (default https://www.krakend.io/schema/)',
    )
    .option(
      '--docs-url <url>',
      'the llms-full.txt to download (default https://www.krakend.io/llms-full.txt)',
    )
    .option('--config <file>', 'rampart.yaml to read the krakend section from')
    .action(async (flags: SyncFlags) => {
      try {
        await sync({ ...krakend.opts(), ...flags });
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        say(error.message);
        process.exitCode = 1;
      }
    });
}

async function sync(flags: SyncFlags): Promise<void> {
  if (flags.export && flags.import)
    throw new UsageError('--export and --import are two different runs: give one');
  const { export: out, import: bundle, config: file, ...rest } = flags;
  const config = loadConfig('krakend', krakendConfigSchema, {
    flags: rest as Record<string, unknown>,
    ...(file ? { file } : {}),
  });
  const dataDir = expandDataDir(config.dataDir);
  if (out) {
    const report = await exportCache(dataDir, out);
    say(`exported ${report.files} files (${report.bytes} bytes) from ${dataDir} to ${path.resolve(out)}`);
    return;
  }
  if (bundle) {
    const report = await importCache(dataDir, bundle);
    say(`imported ${report.files} files made ${report.created} into ${dataDir}`);
    return;
  }
  const report = await syncCache(config, dataDir, terminalProgress(process.stderr, 'krakend sync'));
  say(
    `cached ${report.versions.length} schema versions (${report.documents} documents)` +
      `${report.docs ? ` and ${report.docs.pages} docs pages` : ''} in ${dataDir}`,
  );
  for (const failure of report.failed) say(`not cached: ${failure}`);
  if (report.failed.length > 0) process.exitCode = 1;
}
