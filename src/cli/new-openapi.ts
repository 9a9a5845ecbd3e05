import { ConfigError } from '../core/config.js';
import { UsageError } from './usage-error.js';

/**
 * The OpenAPI document for `rampart new api`: its text, read from a file or fetched through the SSRF-guarded
 * client (that host only, size-capped; private addresses only in the ranges given), and how the project names
 * its source (a URL without its query or fragment, which may carry a token).
 */
export async function readOpenApiSource(
  source: string,
  allowPrivate: readonly string[],
): Promise<{ openapi: string; source: string }> {
  const { loadOpenApiText } = await import('../toolkit/openapi.js');
  try {
    const { text } = await loadOpenApiText(source, { allowPrivate });
    const url = /^https?:\/\//i.test(source) ? new URL(source) : undefined;
    return { openapi: text, source: url ? `${url.origin}${url.pathname}` : source };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
