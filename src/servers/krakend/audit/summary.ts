import { isObject } from '../schema/documents.js';
import { normalizeNamespace } from './aliases.js';
import { parseGoDuration } from './duration.js';

/** A scope's extra_config by KrakenD 2 namespace, with the JSON pointer each entry came from. */
export class Components {
  private readonly entries = new Map<string, { value: unknown; pointer: string }>();

  constructor(extra: unknown, pointer: string) {
    if (!isObject(extra)) return;
    for (const [key, value] of Object.entries(extra)) {
      this.entries.set(normalizeNamespace(key), { value, pointer: `${pointer}/${escapePointer(key)}` });
    }
  }

  has(namespace: string): boolean {
    return this.entries.has(namespace);
  }

  /** The namespace's value when it is an object; KrakenD ignores most components given anything else. */
  object(namespace: string): Record<string, unknown> | undefined {
    const value = this.entries.get(namespace)?.value;
    return isObject(value) ? value : undefined;
  }

  pointer(namespace: string): string | undefined {
    return this.entries.get(namespace)?.pointer;
  }
}

export interface BackendSummary {
  readonly pointer: string;
  readonly method: string;
  readonly components: Components;
}

export interface EndpointSummary {
  readonly pointer: string;
  readonly path: string;
  readonly method: string;
  readonly timeoutMs: number;
  readonly outputEncoding: string;
  readonly inputHeaders: readonly unknown[];
  readonly inputQueryStrings: readonly unknown[];
  readonly backends: readonly BackendSummary[];
  readonly components: Components;
}

export interface ServiceSummary {
  readonly root: Record<string, unknown>;
  readonly components: Components;
  readonly endpoints: readonly EndpointSummary[];
  readonly asyncAgents: number;
}

const DEFAULT_TIMEOUT_MS = 2000;

/**
 * What the audit looks at, with KrakenD's defaults applied: an endpoint without a timeout has the service's (2 s by
 * default), without a method is GET, and a backend without a method uses its endpoint's.
 */
export function summarize(config: Record<string, unknown>): ServiceSummary {
  const serviceTimeout = positive(parseGoDuration(config.timeout)) ?? DEFAULT_TIMEOUT_MS;
  const serviceEncoding = typeof config.output_encoding === 'string' ? config.output_encoding : 'json';
  const endpoints = Array.isArray(config.endpoints) ? config.endpoints : [];
  return {
    root: config,
    components: new Components(config.extra_config, '/extra_config'),
    endpoints: endpoints
      .filter(isObject)
      .map((endpoint, index) =>
        summarizeEndpoint(endpoint, `/endpoints/${index}`, serviceTimeout, serviceEncoding),
      ),
    asyncAgents: Array.isArray(config.async_agent) ? config.async_agent.length : 0,
  };
}

function summarizeEndpoint(
  endpoint: Record<string, unknown>,
  pointer: string,
  serviceTimeout: number,
  serviceEncoding: string,
): EndpointSummary {
  const method = typeof endpoint.method === 'string' && endpoint.method !== '' ? endpoint.method : 'GET';
  const backends = Array.isArray(endpoint.backend) ? endpoint.backend : [];
  return {
    pointer,
    path: typeof endpoint.endpoint === 'string' ? endpoint.endpoint : '',
    method,
    timeoutMs: positive(parseGoDuration(endpoint.timeout)) ?? serviceTimeout,
    outputEncoding: typeof endpoint.output_encoding === 'string' ? endpoint.output_encoding : serviceEncoding,
    inputHeaders: Array.isArray(endpoint.input_headers) ? endpoint.input_headers : [],
    inputQueryStrings: Array.isArray(endpoint.input_query_strings) ? endpoint.input_query_strings : [],
    components: new Components(endpoint.extra_config, `${pointer}/extra_config`),
    backends: backends.filter(isObject).map((backend, index) => {
      const backendPointer = `${pointer}/backend/${index}`;
      return {
        pointer: backendPointer,
        method: typeof backend.method === 'string' && backend.method !== '' ? backend.method : method,
        components: new Components(backend.extra_config, `${backendPointer}/extra_config`),
      };
    }),
  };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? Math.trunc(value) : undefined;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
