const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** One Schema Registry REST call; anything but a 2xx is an error, so a bench never times failures. */
export async function send(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': CONTENT_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
