import type { RunningRegistry } from '../../src/registry-server/index.js';

async function get(registry: RunningRegistry, route: string): Promise<string> {
  const response = await fetch(`${registry.url}${route}`);
  return `${response.status} ${await response.text()}`;
}

/**
 * Everything a client can read about a registry through its REST API, as the raw answers (status and body
 * text): GET /subjects (live and deleted), every subject's versions and each version, every schema by id, the
 * global and per-subject config and mode. Two dumps are equal when the registry looks the same byte for byte.
 */
export async function dumpRegistry(registry: RunningRegistry): Promise<Record<string, string>> {
  const dump: Record<string, string> = {};
  const read = async (route: string) => {
    dump[route] = await get(registry, route);
    return dump[route] as string;
  };
  await read('/subjects');
  const all = JSON.parse((await read('/subjects?deleted=true')).replace(/^\d+ /, '')) as string[];
  await read('/config');
  await read('/mode');
  const ids = new Set<number>();
  for (const subject of all) {
    const s = encodeURIComponent(subject);
    await read(`/subjects/${s}/versions`);
    const versions = JSON.parse(
      (await read(`/subjects/${s}/versions?deleted=true`)).replace(/^\d+ /, ''),
    ) as number[];
    for (const v of versions) {
      await read(`/subjects/${s}/versions/${v}`);
      const answer = JSON.parse(
        (await read(`/subjects/${s}/versions/${v}?deleted=true`)).replace(/^\d+ /, ''),
      );
      ids.add((answer as { id: number }).id);
    }
    await read(`/config/${s}`);
    await read(`/mode/${s}`);
  }
  for (const id of [...ids].sort((a, b) => a - b)) await read(`/schemas/ids/${id}`);
  return dump;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export async function rest(
  registry: RunningRegistry,
  method: string,
  route: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${registry.url}${route}`, {
    method,
    headers: { 'content-type': CONTENT_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export const record = (name: string, fields: string[]) =>
  JSON.stringify({
    type: 'record',
    name,
    namespace: 'shop',
    fields: fields.map((f, i) =>
      i === 0 ? { name: f, type: 'string' } : { name: f, type: ['null', 'string'], default: null },
    ),
  });

/**
 * The body that registers record `name` (namespace shop) whose one field `field` is of the record `type`, with the
 * reference to it: version 1 of `subject`.
 */
export const referrer = (name: string, field: string, type: string, subject: string) => ({
  schema: JSON.stringify({ type: 'record', name, namespace: 'shop', fields: [{ name: field, type }] }),
  references: [{ name: type, subject, version: 1 }],
});

/** Two versions of orders, one soft-deleted version, a referrer, a context subject, overrides. */
export async function seed(registry: RunningRegistry): Promise<void> {
  const s = (name: string) => `/subjects/${encodeURIComponent(name)}/versions`;
  await rest(registry, 'POST', s('customer-value'), { schema: record('Customer', ['id']) });
  await rest(registry, 'POST', s('orders-value'), { schema: record('Order', ['id']) });
  await rest(registry, 'POST', s('orders-value'), { schema: record('Order', ['id', 'note']) });
  await rest(registry, 'POST', s('orders-value'), { schema: record('Order', ['id', 'note', 'tag']) });
  await rest(registry, 'DELETE', '/subjects/orders-value/versions/3');
  await rest(
    registry,
    'POST',
    s('invoice-value'),
    referrer('Invoice', 'customer', 'shop.Customer', 'customer-value'),
  );
  await rest(registry, 'POST', s(':.staging:orders-value'), { schema: record('Order', ['id']) });
  await rest(registry, 'PUT', '/config/orders-value', { compatibility: 'FULL' });
  await rest(registry, 'PUT', '/mode/customer-value', { mode: 'READONLY' });
  await rest(registry, 'PUT', '/config', { compatibility: 'BACKWARD_TRANSITIVE' });
}
