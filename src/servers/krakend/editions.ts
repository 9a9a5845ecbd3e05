import { normalizeNamespace } from './audit/aliases.js';
import { escapePointer } from './audit/summary.js';
import type { Catalog, Edition, Feature, Scope } from './schema/catalog.js';
import { isObject } from './schema/documents.js';

/** One namespace a config uses, where, and what the schema says about it there. */
export interface NamespaceUse {
  readonly namespace: string;
  readonly scope: Scope;
  readonly pointer: string;
  readonly feature?: Feature;
}

/**
 * Every extra_config namespace in a config, by scope: service, endpoints, backends, workflows, async agents.
 * `only` keeps the uses it accepts without building the others (validation asks only for Enterprise ones).
 */
export function namespacesUsed(
  config: Record<string, unknown>,
  catalog: Catalog,
  only?: (feature: Feature | undefined) => boolean,
): NamespaceUse[] {
  const uses: NamespaceUse[] = [];
  const visitExtra = (extra: unknown, scope: Scope, pointer: string) => {
    if (!isObject(extra)) return;
    for (const key in extra) {
      const feature = catalog.byNamespace(normalizeNamespace(key)).find((f) => f.scope === scope);
      if (only && !only(feature)) continue;
      uses.push({
        namespace: key,
        scope,
        pointer: `${pointer}/${escapePointer(key)}`,
        ...(feature ? { feature } : {}),
      });
    }
  };
  const visitBackends = (backends: unknown, pointer: string) => {
    if (!Array.isArray(backends)) return;
    backends.forEach((backend, index) => {
      if (!isObject(backend)) return;
      const at = `${pointer}/${index}`;
      visitExtra(backend.extra_config, 'backend', `${at}/extra_config`);
      const workflow = isObject(backend.extra_config) ? backend.extra_config.workflow : undefined;
      if (isObject(workflow)) {
        visitExtra(workflow.extra_config, 'workflow', `${at}/extra_config/workflow/extra_config`);
        visitBackends(workflow.backend, `${at}/extra_config/workflow/backend`);
      }
    });
  };
  visitExtra(config.extra_config, 'service', '/extra_config');
  const visitList = (list: unknown, scope: Scope, name: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((item, index) => {
      if (!isObject(item)) return;
      visitExtra(item.extra_config, scope, `/${name}/${index}/extra_config`);
      visitBackends(item.backend, `/${name}/${index}/backend`);
    });
  };
  visitList(config.endpoints, 'endpoint', 'endpoints');
  visitList(config.async_agent, 'async_agent', 'async_agent');
  return uses;
}

export interface EditionReport {
  readonly required: Edition;
  readonly enterpriseOnly: readonly NamespaceUse[];
}

export function editionOf(uses: readonly NamespaceUse[]): EditionReport {
  const enterpriseOnly = uses.filter((use) => use.feature?.edition === 'ee');
  return { required: enterpriseOnly.length > 0 ? 'ee' : 'ce', enterpriseOnly };
}
