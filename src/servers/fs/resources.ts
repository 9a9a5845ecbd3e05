import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResourceContents, ResourceTemplateDefinition } from '../../core/define.js';
import { Refusal } from '../../core/errors.js';
import type { Sandbox } from '../../core/sandbox.js';
import { mimeTypeOf } from './mime.js';
import { walk } from './walk.js';

/** How many files resources/list offers; the template reads any file inside the roots. */
const LISTED_FILES = 500;
const LISTED_DEPTH = 3;

function looksBinary(data: Buffer): boolean {
  return data.subarray(0, 8000).includes(0);
}

/** Files inside the roots as MCP resources through a `file://` template. */
export function fileResources(sandbox: Sandbox, maxBytes: () => number): ResourceTemplateDefinition {
  return {
    name: 'file',
    title: 'Files in the allowed directories',
    description:
      'Any file inside the allowed directories, by file:// URI. Text files as text, others base64.',
    uriTemplate: 'file://{+path}',
    async list(signal) {
      const listed: { uri: string; name: string; mimeType: string }[] = [];
      for (const root of sandbox.roots) {
        await walk({
          sandbox,
          start: root.real,
          requested: root.given,
          signal,
          maxDepth: LISTED_DEPTH,
          maxEntries: 20_000,
          exclude: (relative) =>
            relative.split('/').some((part) => part === 'node_modules' || part === '.git'),
          onEntry: (entry) => {
            if (entry.kind !== 'file') return true;
            listed.push({
              uri: pathToFileURL(entry.path).href,
              name: entry.relative,
              mimeType: mimeTypeOf(entry.path),
            });
            return listed.length < LISTED_FILES;
          },
        });
        if (listed.length >= LISTED_FILES) break;
      }
      return listed.sort((a, b) => a.uri.localeCompare(b.uri));
    },
    async read(uri, _variables, signal): Promise<ResourceContents[]> {
      let requested: string;
      try {
        requested = fileURLToPath(uri);
      } catch {
        throw new Refusal(`uri "${uri.href}" is not a local file URI`);
      }
      const file = await sandbox.openFile(requested, 'uri');
      try {
        const limit = maxBytes();
        if (file.size > limit)
          throw new Refusal(`uri "${uri.href}" is ${file.size} bytes; the limit is ${limit}`);
        const data = await file.handle.readFile({ signal });
        const mimeType = mimeTypeOf(file.real);
        return looksBinary(data)
          ? [{ uri: uri.href, mimeType, blob: data.toString('base64') }]
          : [
              {
                uri: uri.href,
                mimeType: mimeType === 'application/octet-stream' ? 'text/plain' : mimeType,
                text: data.toString('utf8'),
              },
            ];
      } finally {
        await file.handle.close();
      }
    },
  };
}
