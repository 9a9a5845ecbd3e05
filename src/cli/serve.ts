import type { Command } from 'commander';
import type { ServerEntry } from '../gateway/config.js';
import { addHttpTimeoutFlags } from './http-timeout-flags.js';

/** The servers rampart.yaml lists, or none (`servers` undefined) when the defaults apply. */
async function configuredServers(
  file: string | undefined,
): Promise<{ servers?: ServerEntry[]; source: string }> {
  const [{ z }, { ConfigError, readConfigKey }, { serverEntrySchema }] = await Promise.all([
    import('zod'),
    import('../core/config.js'),
    import('../gateway/config.js'),
  ]);
  const listed = readConfigKey('servers', file ? { file } : {});
  if (!listed) return { source: 'the defaults' };
  const parsed = z.array(serverEntrySchema).min(1, 'list at least one server').safeParse(listed.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${listed.file} key servers.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { servers: parsed.data, source: listed.file };
}

export function addServeCommand(program: Command): void {
  addHttpTimeoutFlags(program.command('serve'))
    .description(
      'serve the servers listed in rampart.yaml over Streamable HTTP; with none listed, fs on this directory ' +
        '(read-only), db on a demo SQLite database and registry over the embedded Schema Registry, which runs ' +
        'beside them',
    )
    .option('--host <address>', 'address to bind (loopback only without OAuth; default 127.0.0.1)')
    .option('--port <n>', 'port (default 8787; 0 picks a free one)', Number)
    .option('--config <file>', 'rampart.yaml to read (default: RAMPART_CONFIG or ./rampart.yaml)')
    .option(
      '--embedded-registry-port <n>',
      'port of the embedded Schema Registry (default 8081; if 8081 is taken, a free one, with a warning)',
      Number,
    )
    .option('--token-file <file>', 'where the local bearer token is kept (default ~/.rampart/token)')
    .option(
      '--oauth-issuer <url>',
      'OAuth 2.1 issuer whose JWT access tokens are accepted (turns on OAuth mode)',
    )
    .option('--oauth-resource <url>', "this gateway's public base URL (the tokens' audience)")
    .option('--redis-url <url>', 'share rate-limit counters between instances through Redis')
    .option('--audit-log <file>', 'append one JSONL record per call to this file (mode 0600)')
    .option('--log-level <level>', 'stderr log level: debug, info, warn, error, silent')
    .action(async (flags: Record<string, unknown>) => {
      const [
        { loadConfig },
        { listenForStop },
        { defaultServers, gatewayConfigSchema },
        { startGateway },
        embedded,
        message,
      ] = await Promise.all([
        import('../core/config.js'),
        import('../core/shutdown.js'),
        import('../gateway/config.js'),
        import('../gateway/serve.js'),
        import('./embedded-registry.js'),
        import('./serve-message.js'),
      ]);
      const { startEmbeddedRegistry } = embedded;
      const { startupMessage } = message;
      const { config: file, ...rest } = flags;
      const configFile = typeof file === 'string' ? file : undefined;
      const config = loadConfig('gateway', gatewayConfigSchema, {
        flags: rest,
        ...(configFile ? { file: configFile } : {}),
      });
      const listed = await configuredServers(configFile);
      const { source } = listed;
      // The registry starts first: the default set mounts registry over it, at the port it actually got (8081,
      // or a free one when 8081 is taken). Its client connects on the first call, not at mount.
      const registry =
        (config.embeddedRegistry ?? source === 'the defaults')
          ? await startEmbeddedRegistry(config.embeddedRegistryPort, (text) =>
              process.stderr.write(`rampart: ${text}\n`),
            )
          : undefined;
      const servers = listed.servers ?? defaultServers(process.cwd(), registry?.url);
      const gateway = await startGateway({ config, servers, source }).catch(async (error) => {
        await registry?.close();
        throw error;
      });
      console.log(startupMessage(gateway, registry));
      const stop = listenForStop();
      await stop.signal;
      console.error('rampart: stopping; letting calls in flight finish');
      try {
        await Promise.all([gateway.close(), registry?.close()]);
      } finally {
        stop.cancel();
      }
    });
}
