import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, loadConfig, readConfigKey } from '../core/config.js';
import {
  defaultServers,
  gatewayConfigSchema,
  type ServerEntry,
  serverEntrySchema,
} from '../gateway/config.js';
import { type RunningGateway, startGateway } from '../gateway/serve.js';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../registry-server/index.js';

function configuredServers(file: string | undefined): { servers: ServerEntry[]; source: string } {
  const listed = readConfigKey('servers', file ? { file } : {});
  if (!listed) return { servers: defaultServers(process.cwd()), source: 'the defaults' };
  const parsed = z.array(serverEntrySchema).min(1, 'list at least one server').safeParse(listed.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${listed.file} key servers.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { servers: parsed.data, source: listed.file };
}

/** What a newcomer needs to connect: the URLs, how to authenticate, and snippets to paste. */
function startupMessage(gateway: RunningGateway): string {
  const lines = [`rampart: serving on ${gateway.url} (Ctrl-C stops, letting calls in flight finish)`];
  for (const name of gateway.servers) lines.push(`  ${name}: ${gateway.url}/mcp/${name}`);
  const first = gateway.servers[0] ?? 'fs';
  if (gateway.auth.mode === 'oauth') {
    const url = `${gateway.auth.resource}/mcp/${first}`;
    lines.push(
      `auth: OAuth 2.1 — tokens from ${gateway.auth.issuer} for ${gateway.auth.resource} with scope read, write or admin`,
      '',
      'Claude Code (signs in through the issuer on first use):',
      `  claude mcp add --transport http rampart-${first} ${url}`,
      '.mcp.json:',
      `  {"mcpServers": {"${first}": {"type": "http", "url": "${url}"}}}`,
    );
    return lines.join('\n');
  }
  const source = gateway.auth.tokenSource;
  const tokenCmd = source.startsWith('/') ? `$(cat ${source})` : '$RAMPART_TOKEN';
  const url = `${gateway.url}/mcp/${first}`;
  lines.push(
    `token: ${source} — send it as "Authorization: Bearer <token>"`,
    '',
    'Claude Code:',
    `  claude mcp add --transport http rampart-${first} ${url} --header "Authorization: Bearer ${tokenCmd}"`,
    '.mcp.json (with the token in RAMPART_TOKEN):',
    `  {"mcpServers": {"${first}": {"type": "http", "url": "${url}", "headers": {"Authorization": "Bearer \${RAMPART_TOKEN}"}}}}`,
    'VS Code .vscode/mcp.json:',
    `  {"servers": {"${first}": {"type": "http", "url": "${url}", "headers": {"Authorization": "Bearer \${env:RAMPART_TOKEN}"}}}}`,
  );
  return lines.join('\n');
}

/**
 * The embedded Schema Registry that the default set runs beside the gateway, on loopback with its defaults; when
 * its port is taken (another registry, another `rampart serve`), on a free one instead.
 */
async function startEmbeddedRegistry(port: number): Promise<RunningRegistry> {
  const config = registryServerConfigSchema.parse({ port, logLevel: 'warn' });
  try {
    return await startRegistryServer(config);
  } catch (error) {
    if (!(error instanceof ConfigError) || !/EADDRINUSE/.test(error.message)) throw error;
    return startRegistryServer({ ...config, port: 0 });
  }
}

export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the servers in rampart.yaml (or fs on this directory, read-only) over Streamable HTTP',
    )
    .option('--host <address>', 'address to bind (loopback only without OAuth; default 127.0.0.1)')
    .option('--port <n>', 'port (default 8787; 0 picks a free one)', Number)
    .option('--config <file>', 'rampart.yaml to read (default: RAMPART_CONFIG or ./rampart.yaml)')
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
      const { config: file, ...rest } = flags;
      const configFile = typeof file === 'string' ? file : undefined;
      const config = loadConfig('gateway', gatewayConfigSchema, {
        flags: rest,
        ...(configFile ? { file: configFile } : {}),
      });
      const { servers, source } = configuredServers(configFile);
      const gateway = await startGateway({ config, servers, source });
      const registry =
        (config.embeddedRegistry ?? source === 'the defaults')
          ? await startEmbeddedRegistry(config.embeddedRegistryPort).catch(async (error) => {
              await gateway.close();
              throw error;
            })
          : undefined;
      console.log(startupMessage(gateway));
      if (registry) {
        console.log(
          `  schema registry (embedded, SQLite): ${registry.url} — point Schema Registry clients here`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          console.error('rampart: stopping; letting calls in flight finish');
          void Promise.all([gateway.close(), registry?.close()]).then(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
