import type { Scope } from './schema/catalog.js';

export interface PointerPlace {
  /** The scope of the object that holds the last segment. */
  readonly scope: Scope;
  /** True when that object is an extra_config, so its keys are namespaces. */
  readonly inExtraConfig: boolean;
}

/**
 * What kind of object a JSON pointer's parent is: `/endpoints/0/backend/1/extra_config/x` is a key in a
 * backend's extra_config. Workflows nest endpoints inside backends; async agents hold backends too.
 */
export function placeOf(segments: readonly (string | number)[]): PointerPlace {
  let scope: Scope = 'service';
  let inExtraConfig = false;
  const parents = segments.slice(0, -1);
  for (let i = 0; i < parents.length; i++) {
    const segment = parents[i];
    const next = parents[i + 1];
    inExtraConfig = false;
    if (segment === 'endpoints' && typeof next === 'number') {
      scope = 'endpoint';
      i++;
    } else if (segment === 'async_agent' && typeof next === 'number') {
      scope = 'async_agent';
      i++;
    } else if (segment === 'backend' && typeof next === 'number') {
      scope = 'backend';
      i++;
    } else if (segment === 'extra_config') {
      if (scope === 'backend' && next === 'workflow') {
        scope = 'workflow';
        i++;
      } else {
        inExtraConfig = true;
      }
    } else {
      // Inside some other value (a namespace's own settings): no longer a scope object.
      return { scope, inExtraConfig: false };
    }
  }
  return { scope, inExtraConfig };
}

export const SCOPE_NAMES: Readonly<Record<Scope, string>> = {
  service: 'the service (top level)',
  endpoint: 'an endpoint',
  backend: 'a backend',
  async_agent: 'an async agent',
  workflow: 'a workflow',
};
