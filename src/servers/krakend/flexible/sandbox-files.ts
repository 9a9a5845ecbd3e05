import { readdir } from 'node:fs/promises';
import { Refusal } from '../../../core/errors.js';
import type { Sandbox } from '../../../core/sandbox.js';
import type { FlexibleFiles } from './render.js';

/** Template, settings and partial files read with the fs server's containment, each under the config size limit. */
export function sandboxFiles(sandbox: Sandbox, maxBytes: number): FlexibleFiles {
  return {
    async read(file) {
      const opened = await sandbox.openFile(file, 'flexible configuration file');
      try {
        if (opened.size > maxBytes)
          throw new Refusal(`"${file}" is over the ${maxBytes}-byte limit for a config`);
        return await opened.handle.readFile({ encoding: 'utf8' });
      } finally {
        await opened.handle.close();
      }
    },
    async list(dir) {
      let real: string;
      try {
        real = await sandbox.resolveExisting(dir, 'flexible configuration folder');
      } catch {
        return undefined;
      }
      const entries = await readdir(real, { withFileTypes: true }).catch(() => undefined);
      return entries?.map((e) => ({ name: e.name, dir: e.isDirectory() }));
    },
  };
}
