import { restClient } from '../helpers/registry-rest.js';
import {
  type Answer,
  countFailures,
  type Outage,
  probeWhileDown,
  timeToRecover,
  whileDown,
} from './outage.js';
import { OwnPostgres } from './own-postgres.js';
import { freePort } from './ports.js';
import { spawnListener } from './spawned.js';

export interface RegistryPostgresOptions {
  /** initdb's directory (see postgresBinaries). */
  readonly bin: string;
  readonly writes: number;
  readonly callsWhileDown: number;
}

interface Registered {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
}

const SUBJECTS = 4;

/** The n-th version of a subject: a record with n optional fields, so each is BACKWARD compatible with the last. */
function schemaText(version: number, salt: string): string {
  const fields = Array.from({ length: version }, (_, i) => ({
    name: `f${i}_${salt}`,
    type: ['null', 'string'],
    default: null,
  }));
  return JSON.stringify({ type: 'record', name: 'R', fields });
}

/**
 * A spawned `rampart registry-server --store postgres` on a PostgreSQL cluster this scenario owns: schemas are
 * registered, PostgreSQL crashes (`pg_ctl stop -m immediate`) and is started again, and the same registry
 * process is asked for every schema it acknowledged.
 */
export async function registryPostgresOutage(
  options: RegistryPostgresOptions,
): Promise<Outage & { readonly log: string }> {
  const cluster = await OwnPostgres.start(options.bin);
  const port = await freePort();
  const registry = await spawnListener(
    ['registry-server', '--store', 'postgres', '--postgres-url', cluster.url(), '--port', String(port)],
    port,
  ).catch(async (error) => {
    await cluster.close();
    throw error;
  });
  const rest = restClient(() => registry.url);
  const versions = new Map<string, number>();
  const register = async (i: number, salt = 'a'): Promise<Answer & { registered?: Registered }> => {
    const subject = `s${i % SUBJECTS}`;
    const version = (versions.get(subject) ?? 0) + 1;
    const answer = await rest('POST', `/subjects/${subject}/versions`, {
      schema: schemaText(version, salt),
    }).catch((error: Error) => ({ status: 0, body: { message: error.message } }));
    if (answer.status !== 200)
      return { ok: false, message: `HTTP ${answer.status}: ${JSON.stringify(answer.body)}` };
    versions.set(subject, version);
    return { ok: true, message: '', registered: { subject, version, id: answer.body.id } };
  };
  const read = async (item: Registered): Promise<Answer> => {
    const answer = await rest('GET', `/subjects/${item.subject}/versions/${item.version}`).catch(
      (error: Error) => ({
        status: 0,
        body: { message: error.message },
      }),
    );
    if (answer.status >= 500 || answer.status === 0)
      return { ok: false, message: `HTTP ${answer.status}: ${JSON.stringify(answer.body)}` };
    return { ok: answer.status === 200 && answer.body.id === item.id, message: `HTTP ${answer.status}` };
  };
  try {
    const acknowledged: Registered[] = [];
    for (let i = 0; i < options.writes; i++) {
      const answer = await register(i);
      if (answer.registered) acknowledged.push(answer.registered);
    }
    const first = acknowledged[0];
    if (!first) throw new Error('nothing could be registered before the fault');
    await cluster.stop('immediate');
    const down = await probeWhileDown(options.callsWhileDown, (i) =>
      i % 2 === 0 ? register(i, 'down') : read(first),
    );
    await cluster.start();
    const recoveredMs = await timeToRecover(() => read(first));
    const lost = await countFailures(acknowledged, read);
    const after = Array.from({ length: 10 }, (_, i) => i);
    const failedAfter = await countFailures(after, (i) => register(i, 'after'));
    if (!registry.alive()) throw new Error(`the registry process ended: ${registry.stderr()}`);
    return {
      scenario:
        'registry-server (PostgreSQL store): PostgreSQL crashed (stop -m immediate) and started again',
      acknowledged: acknowledged.length,
      lost,
      ...whileDown(down),
      recoveredMs,
      callsAfter: after.length,
      failedAfter,
      log: registry.stderr(),
    };
  } finally {
    await registry.stop();
    await cluster.close();
  }
}
