import type { Command } from 'commander';
import { addHttpTimeoutFlags } from './http-timeout-flags.js';

/** `rampart registry-server`: the embedded Confluent-compatible Schema Registry over HTTP. */
export function addRegistryServerCommand(program: Command): void {
  addHttpTimeoutFlags(program.command('registry-server'))
    .description('an embedded Confluent-compatible Schema Registry (SQLite by default, PostgreSQL to scale)')
    .option('--config <file>', 'rampart.yaml to read (default: RAMPART_CONFIG or ./rampart.yaml)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <n>', 'port (default 8081)', Number)
    .option('--store <kind>', 'sqlite (default) or postgres')
    .option('--sqlite-path <file>', 'SQLite file (default ~/.rampart/registry/registry.db)')
    .option('--postgres-url <url>', 'PostgreSQL for the postgres store')
    .option('--auth <mode>', 'none (loopback only), basic or bearer')
    .option('--default-compatibility <level>', 'compatibility until one is set (default BACKWARD)')
    .action(async (flags: Record<string, unknown>) => {
      const [{ loadConfig }, { listenForStop }, { registryServerConfigSchema, startRegistryServer }] =
        await Promise.all([
          import('../core/config.js'),
          import('../core/shutdown.js'),
          import('../registry-server/index.js'),
        ]);
      const { config: file, ...rest } = flags;
      const config = loadConfig('registry_server', registryServerConfigSchema, {
        flags: rest,
        ...(typeof file === 'string' ? { file } : {}),
      });
      const running = await startRegistryServer(config);
      process.stderr.write(
        `rampart: Schema Registry on ${running.url} (${config.store}, auth ${config.auth}; Ctrl-C stops)\n`,
      );
      const stop = listenForStop();
      await stop.signal;
      try {
        await running.close();
      } finally {
        stop.cancel();
      }
    });
}
