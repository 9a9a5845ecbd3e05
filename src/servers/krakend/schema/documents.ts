import { Refusal } from '../../../core/errors.js';
import type { SchemaOrigin, SchemaSource } from './source.js';
import { CANONICAL_SCHEMA_BASE } from './versions.js';

type Json = unknown;

/** A schema node together with the document URL its relative `$ref`s resolve against. */
export interface Located {
  readonly node: Record<string, unknown>;
  readonly base: string;
}

const MAX_DOCUMENTS = 500;

/**
 * Every document one schema version is built from, by canonical URL. v2.1–v2.6 are split over dozens of files
 * with relative `$ref`s; v2.7+ are one file with `$defs` keyed by URL. Both are read through this one type.
 */
export class SchemaDocuments {
  private constructor(
    private readonly byUrl: Map<string, Json>,
    readonly rootUrl: string,
    readonly origin: SchemaOrigin | 'mixed',
  ) {}

  /** Reads the root and, level by level, every file its `$ref`s name, all inside the version's folder. */
  static async gather(
    source: SchemaSource,
    rootUrl: string,
    signal?: AbortSignal,
    localOnly = false,
  ): Promise<SchemaDocuments> {
    const folder = rootUrl.slice(0, rootUrl.lastIndexOf('/') + 1);
    const byUrl = new Map<string, Json>();
    const origins = new Set<SchemaOrigin>();
    let pending = [rootUrl];
    while (pending.length > 0) {
      if (byUrl.size + pending.length > MAX_DOCUMENTS) {
        throw new Refusal(`schema ${rootUrl} refers to more than ${MAX_DOCUMENTS} documents`);
      }
      const read = await Promise.all(
        pending.map((url) => source.read(url.slice(CANONICAL_SCHEMA_BASE.length), signal, localOnly)),
      );
      const next = new Set<string>();
      read.forEach((document, index) => {
        const url = pending[index] as string;
        origins.add(document.origin);
        const json = document.json;
        if (typeof json !== 'object' || json === null)
          throw new Refusal(`schema ${url} is not a JSON object`);
        // Each file is registered under the URL it was found at, so relative refs resolve the same everywhere.
        (json as Record<string, unknown>).$id = url;
        byUrl.set(url, json);
        for (const ref of externalRefs(json)) {
          const target = new URL(ref, url).href.split('#')[0] as string;
          if (!target.startsWith(folder)) {
            throw new Refusal(`schema ${url} refers to ${target}, outside the schema folder ${folder}`);
          }
          if (!byUrl.has(target)) next.add(target);
        }
      });
      pending = [...next].filter((url) => !byUrl.has(url));
    }
    const origin = origins.size === 1 ? ([...origins][0] as SchemaOrigin) : 'mixed';
    return new SchemaDocuments(byUrl, rootUrl, origin);
  }

  get root(): Record<string, unknown> {
    return this.byUrl.get(this.rootUrl) as Record<string, unknown>;
  }

  entries(): IterableIterator<[string, Json]> {
    return this.byUrl.entries();
  }

  /** A document of this version by its path under the version folder (`endpoint.json`), bundled or not. */
  named(relative: string): Located | undefined {
    const folder = this.rootUrl.slice(0, this.rootUrl.lastIndexOf('/') + 1);
    const url = folder + relative;
    const file = this.byUrl.get(url);
    if (isObject(file)) return { node: file, base: url };
    // v2.13 keys its bundled documents under `$defs`; v2.7–v2.12 under draft-07's `definitions`.
    const defs = isObject(this.root.$defs) ? this.root.$defs : this.root.definitions;
    if (isObject(defs) && isObject(defs[url])) return { node: defs[url], base: this.rootUrl };
    return undefined;
  }

  /** Follows `$ref` chains from a node until one without a `$ref`. */
  deref(located: Located, depth = 0): Located {
    const ref = located.node.$ref;
    if (typeof ref !== 'string' || depth > 32) return located;
    const target = this.resolve(ref, located.base);
    return target ? this.deref(target, depth + 1) : located;
  }

  resolve(ref: string, base: string): Located | undefined {
    const absolute = new URL(ref, base);
    const fragment = decodeURIComponent(absolute.hash.slice(1));
    absolute.hash = '';
    const documentUrl = absolute.href;
    const document = this.byUrl.get(documentUrl);
    if (!isObject(document)) return undefined;
    if (fragment === '') return { node: document, base: documentUrl };
    if (!fragment.startsWith('/')) return undefined;
    let node: unknown = document;
    for (const raw of fragment.slice(1).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(node)) return undefined;
      node = node[key];
    }
    return isObject(node) ? { node, base: documentUrl } : undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function externalRefs(json: Json): Set<string> {
  const refs = new Set<string>();
  const stack: unknown[] = [json];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) refs.add(value);
        else if (typeof value === 'object') stack.push(value);
      }
    }
  }
  return refs;
}
