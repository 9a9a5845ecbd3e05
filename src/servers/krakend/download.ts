import { Refusal } from '../../core/errors.js';

export interface DownloadOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Sent as If-None-Match; a 304 then comes back as `notModified`. */
  readonly etag?: string;
  readonly signal?: AbortSignal;
}

export type Downloaded =
  | { readonly notModified: false; readonly text: string; readonly etag?: string }
  | { readonly notModified: true };

/**
 * Fetches one document from the operator's configured source (krakend.io or a mirror), bounded in time and size.
 * Only the configured base URL is ever fetched, never a URL from a tool argument.
 */
export async function download(url: string, options: DownloadOptions): Promise<Downloaded> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      signal,
      redirect: 'follow',
      headers: options.etag ? { 'if-none-match': options.etag } : {},
    });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : describeFetchError(error);
    throw new Refusal(`could not download ${url}: ${reason}`);
  }
  if (response.status === 304 && options.etag) {
    await response.body?.cancel();
    return { notModified: true };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Refusal(`could not download ${url}: HTTP ${response.status}`);
  }
  const text = await readCapped(response, url, options.maxBytes);
  const etag = response.headers.get('etag') ?? undefined;
  return { notModified: false, text, ...(etag ? { etag } : {}) };
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Refusal(`could not download ${url}: ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Refusal(`could not download ${url}: more than the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
