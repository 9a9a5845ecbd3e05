/** A request body read under a byte cap: its bytes, or why there are none. */
export type CappedBody =
  | { readonly status: 'read'; readonly bytes: Buffer }
  | { readonly status: 'too-large' }
  /** The stream failed part way: the client went away, or the connection was cut. */
  | { readonly status: 'unreadable' };

/**
 * Reads a request body without ever holding more than `maxBytes` of it. A declared Content-Length over the cap is
 * refused before a byte is read; a body without one (chunked) is read until it passes the cap and no further.
 * The rest is left unread: the stream is released, not cancelled (cancelling would tear down the connection the
 * refusal is sent on), and the listener closes the connection after answering (`bindHttp`).
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<CappedBody> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return { status: 'too-large' };
  if (request.body === null) return { status: 'read', bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) return { status: 'too-large' };
      chunks.push(value);
    }
  } catch {
    return { status: 'unreadable' };
  } finally {
    reader.releaseLock();
  }
  return { status: 'read', bytes: Buffer.concat(chunks, received) };
}
