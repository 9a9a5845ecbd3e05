export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface RestAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON of many shapes, checked by each test
  readonly body: any;
}

/** Calls a registry's REST API the way a Schema Registry client does; a raw string body is sent as is. */
export function restClient(base: () => string) {
  return async (method: string, route: string, body?: unknown): Promise<RestAnswer> => {
    const response = await fetch(`${base()}${route}`, {
      method,
      headers: { 'content-type': REGISTRY_CONTENT_TYPE },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  };
}
