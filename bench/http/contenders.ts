import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import type * as NetModule from '../../src/guards/net.js';
import type * as ClientModule from '../../src/servers/http/client.js';
import type * as ConfigModule from '../../src/servers/http/config.js';
import type * as CredentialsModule from '../../src/servers/http/credentials.js';
import { REPO_ROOT } from '../lib/paths.js';

export type ContenderKind = 'rampart' | 'undici';

/** One client: a GET that reads the whole body, and what it holds open. */
export interface Contender {
  readonly kind: ContenderKind;
  get(url: string): Promise<number>;
  close(): Promise<void>;
}

/** Rampart's modules as built in dist/ (tsc output, as users run it), not transformed on the fly. */
export interface Dist {
  readonly net: typeof NetModule;
  readonly client: typeof ClientModule;
  readonly config: typeof ConfigModule;
  readonly credentials: typeof CredentialsModule;
}

export async function loadDist(): Promise<Dist> {
  const load = (path: string) => import(pathToFileURL(join(REPO_ROOT, 'dist', path)).href);
  return {
    net: await load('guards/net.js'),
    client: await load('servers/http/client.js'),
    config: await load('servers/http/config.js'),
    credentials: await load('servers/http/credentials.js'),
  };
}

/** Plain undici: a keep-alive Agent and `request`, reading the body to the end. */
export function plainUndici(): Contender {
  const agent = new Agent();
  return {
    kind: 'undici',
    async get(url) {
      const response = await request(url, { dispatcher: agent, method: 'GET' });
      const bytes = await response.body.arrayBuffer();
      return bytes.byteLength;
    },
    close: () => agent.close(),
  };
}

/**
 * Rampart's guarded client with its defaults, permitting 127.0.0.1 as an operator would for an internal API:
 * URL check, header policy, address check at connect, redirect handling, capped read and the deadline.
 */
export function guarded(dist: Dist): Contender {
  const config = dist.config.httpConfigSchema.parse({ allowPrivate: ['127.0.0.1/32'] });
  const ranges = dist.net.parseRanges(config.allowPrivate);
  if (!ranges.ok) throw new Error(ranges.reason);
  const client = new dist.client.GuardedClient(config, ranges.value, new dist.credentials.Credentials([]));
  return {
    kind: 'rampart',
    async get(url) {
      const response = await client.send({ url, method: 'GET' });
      return response.body.length;
    },
    close: () => client.close(),
  };
}
