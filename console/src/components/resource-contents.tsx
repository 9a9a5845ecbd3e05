import type { ReadResourceResult } from '@modelcontextprotocol/client';
import { useState } from 'react';

/**
 * How much of a text the page shows: a long file in one <pre> makes the tab slow to lay out and to search, and a
 * person reads the start of it. The whole text stays downloadable.
 */
export const SHOWN_CHARACTERS = 100_000;

export type ResourceContent = ReadResourceResult['contents'][number];

/** The bytes a base64 string stands for, counted without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** A download name from the last segment of a URI: letters, digits, dot, dash and underscore, nothing else. */
export function fileNameOf(uri: string, fallback: string): string {
  let last = uri.replace(/[?#].*$/, '').replace(/\/+$/, '');
  last = last.slice(last.lastIndexOf('/') + 1);
  try {
    last = decodeURIComponent(last);
  } catch {
    // not percent-encoded text: keep it as it is
  }
  const safe = last.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return safe.slice(0, 120) || fallback;
}

/**
 * Saves bytes as a file through a short-lived object URL. The blob's type is always application/octet-stream,
 * whatever the server said the content was, so the browser saves it and never renders it in the console's origin.
 */
export function download(data: Uint8Array<ArrayBuffer> | string, name: string): void {
  const url = URL.createObjectURL(new Blob([data], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; a minute is ample for a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function decodeBase64(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Text as text, cut at SHOWN_CHARACTERS with a note saying so and the whole of it offered as a download. */
export function ShownText({ text, name }: { text: string; name: string }) {
  const cut = text.length > SHOWN_CHARACTERS;
  return (
    <>
      {cut && (
        <p className="notice">
          Showing the first {SHOWN_CHARACTERS.toLocaleString('en')} of {text.length.toLocaleString('en')}{' '}
          characters.{' '}
          <button type="button" onClick={() => download(text, name)}>
            Download all of it
          </button>
        </p>
      )}
      <pre className="text">{cut ? text.slice(0, SHOWN_CHARACTERS) : text}</pre>
    </>
  );
}

/** Binary content: its type and size, and a download; never rendered, whatever its type says. */
export function BlobContent({ data, mimeType, name }: { data: string; mimeType?: string; name: string }) {
  const [failure, setFailure] = useState<string>();
  return (
    <>
      <p className="blob">
        Binary content ({mimeType ?? 'no type given'}, {base64Bytes(data).toLocaleString('en')} bytes), not
        shown.{' '}
        <button
          type="button"
          onClick={() => {
            try {
              download(decodeBase64(data), name);
            } catch {
              setFailure('The server sent a blob that is not base64: there is nothing to download.');
            }
          }}
        >
          Download {name}
        </button>
      </p>
      {failure && <p role="alert">{failure}</p>}
    </>
  );
}

/** The contents of one resources/read answer, each as text or as a blob to download. */
export function ResourceContents({ contents }: { contents: readonly ResourceContent[] }) {
  if (contents.length === 0) return <p>The server answered with no contents.</p>;
  return (
    <>
      {contents.map((content, i) => {
        const name = fileNameOf(content.uri, 'resource');
        return (
          // A server may answer the same URI twice; the order is the answer's.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <section key={i} className="resource-content" aria-label={`Contents of ${content.uri}`}>
            <p className="resource-meta">
              <code>{content.uri}</code>
              {content.mimeType && <span className="badge">{content.mimeType}</span>}
            </p>
            {'text' in content && typeof content.text === 'string' ? (
              <ShownText text={content.text} name={name.includes('.') ? name : `${name}.txt`} />
            ) : 'blob' in content && typeof content.blob === 'string' ? (
              <BlobContent data={content.blob} mimeType={content.mimeType} name={name} />
            ) : (
              <p>The server sent contents with neither text nor a blob.</p>
            )}
          </section>
        );
      })}
    </>
  );
}
