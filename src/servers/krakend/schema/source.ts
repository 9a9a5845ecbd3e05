import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-file.js';
import { Refusal } from '../../../core/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../../guards/limits.js';
import { download } from '../download.js';

export type SchemaOrigin = 'local' | 'cache' | 'download';

export interface SchemaSourceOptions {
  /** A folder laid out like krakend.io/schema (`v2.13/krakend.json`, …); read first, never written. */
  readonly localDir?: string;
  /** Where downloads are kept; read before the network. */
  readonly cacheDir: string;
  /** The URL the relative paths hang from, e.g. https://www.krakend.io/schema/ */
  readonly baseUrl: string;
  readonly offline: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export interface SchemaDocument {
  readonly json: unknown;
  readonly origin: SchemaOrigin;
}

/** `v2.5/auth/validator.json`: a relative path under the schema root, with no way out of it. */
const SAFE_RELATIVE = /^(?:[a-zA-Z0-9_-][a-zA-Z0-9_.-]*\/)*[a-zA-Z0-9_-][a-zA-Z0-9_.-]*\.json$/;

export function isSafeSchemaPath(relative: string): boolean {
  return SAFE_RELATIVE.test(relative) && !relative.split('/').some((part) => part === '..' || part === '.');
}

/** Reads schema documents from a local folder, the cache, or a download (then cached), in that order. */
export class SchemaSource {
  constructor(readonly options: SchemaSourceOptions) {}

  describe(): string {
    if (this.options.localDir) return `local folder ${this.options.localDir}`;
    return this.options.offline ? `cache ${this.options.cacheDir} (offline)` : this.options.baseUrl;
  }

  /** `localOnly` never downloads: for looking across versions, which must not fetch thirteen schemas. */
  async read(relative: string, signal?: AbortSignal, localOnly = false): Promise<SchemaDocument> {
    if (!isSafeSchemaPath(relative))
      throw new Refusal(`schema path "${relative}" is not a plain relative path`);
    const { localDir, cacheDir } = this.options;
    if (localDir) {
      const local = await readJson(path.join(localDir, relative), relative);
      if (local !== undefined) return { json: local, origin: 'local' };
      throw new Refusal(`schema ${relative} is not in the local schema folder ${localDir}`);
    }
    const cacheFile = path.join(cacheDir, relative);
    const cached = await readJson(cacheFile, relative);
    const noDownload = this.options.offline || localOnly;
    if (cached !== undefined && (noDownload || !(await isStaleAlias(relative, cacheFile)))) {
      return { json: cached, origin: 'cache' };
    }
    if (noDownload) {
      throw new Refusal(`schema ${relative} is not cached in ${cacheDir} and downloads are off (offline)`);
    }
    const url = new URL(relative, this.options.baseUrl).href;
    const fetched = await download(url, { ...this.options, ...(signal ? { signal } : {}) }).catch((error) => {
      if (cached !== undefined) return undefined; // a stale root still names a version that exists
      throw error;
    });
    if (fetched === undefined) return { json: cached, origin: 'cache' };
    if (fetched.notModified) throw new Refusal(`could not download ${url}: unexpected 304`);
    const json = parseSchemaText(fetched.text, url);
    const target = path.join(cacheDir, relative);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await writeFileAtomic(target, fetched.text);
    return { json, origin: 'download' };
  }
}

/** Versioned documents never change; a root like `krakend.json` moves to each new release, so it is re-read weekly. */
const ALIAS_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

async function isStaleAlias(relative: string, file: string): Promise<boolean> {
  if (relative.includes('/')) return false;
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ALIAS_MAX_AGE_MS;
}

async function readJson(file: string, relative: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseSchemaText(text, relative);
}

function parseSchemaText(text: string, where: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Refusal(`schema ${where} is not valid JSON: ${(error as Error).message}`);
  }
  // ajv compiles a schema by recursing on it; KrakenD's own nest 15 levels at most.
  if (exceedsJsonDepth(parsed, MAX_JSON_DEPTH)) throw new Refusal(tooDeepMessage(`schema ${where}`));
  return parsed;
}
