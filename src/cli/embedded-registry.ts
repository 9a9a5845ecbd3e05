import { ConfigError, envName } from '../core/config.js';
import {
  type RunningRegistry,
  registryServerConfigSchema,
  startRegistryServer,
} from '../registry-server/index.js';

export const DEFAULT_EMBEDDED_REGISTRY_PORT = 8081;

export interface EmbeddedRegistry extends RunningRegistry {
  /** The default port, when it was taken and the registry listens elsewhere. */
  readonly movedFrom?: number;
}

const CHOOSE_PORT =
  `choose its port with gateway.embeddedRegistryPort in rampart.yaml, ` +
  `${envName('gateway', 'embeddedRegistryPort')} or --embedded-registry-port, ` +
  'or turn it off with gateway.embeddedRegistry: false';

function portTaken(error: unknown): boolean {
  return error instanceof ConfigError && /EADDRINUSE/.test(error.message);
}

/**
 * The embedded Schema Registry that `rampart serve` runs beside the gateway on loopback. A port the operator
 * chose must be had, so a taken one is refused; when the default port is taken (another registry, another
 * `rampart serve`), the registry starts on a free port and the operator is told loudly, because clients set up
 * for 8081 would otherwise talk to whatever holds it.
 */
export async function startEmbeddedRegistry(
  chosenPort: number | undefined,
  warn: (text: string) => void,
): Promise<EmbeddedRegistry> {
  const port = chosenPort ?? DEFAULT_EMBEDDED_REGISTRY_PORT;
  const config = registryServerConfigSchema.parse({ port, logLevel: 'warn' });
  try {
    return await startRegistryServer(config);
  } catch (error) {
    if (!portTaken(error)) throw error;
    if (chosenPort !== undefined)
      throw new ConfigError(
        `the embedded Schema Registry cannot listen on port ${port}, which is taken; ${CHOOSE_PORT}`,
      );
  }
  const moved = await startRegistryServer({ ...config, port: 0 });
  warn(
    `WARNING: port ${port} is taken, so the embedded Schema Registry listens on ${moved.url} instead. ` +
      `Schema Registry clients pointed at 127.0.0.1:${port} reach whatever holds that port, not this registry; ` +
      `${CHOOSE_PORT}.`,
  );
  return { url: moved.url, close: () => moved.close(), movedFrom: port };
}
