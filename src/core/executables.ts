import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/**
 * The absolute path of an executable: `name` itself when it contains a slash, else the first match on this
 * process's PATH. Servers that run a program with an environment of their own (no PATH) find it here first.
 */
export async function locateExecutable(name: string): Promise<string | undefined> {
  const candidates = name.includes('/')
    ? [path.resolve(name)]
    : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}
