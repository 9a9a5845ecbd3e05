import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../core/config.js';
import { expandHome } from '../guards/path.js';

export interface LocalToken {
  readonly token: string;
  /** Where it came from, for the start-up message: the env var or the file's path. Never the token itself. */
  readonly source: string;
}

const MIN_TOKEN_LENGTH = 24;

/**
 * The local-mode bearer token: `RAMPART_TOKEN` when set, else the token file, created on first start with 32
 * random bytes, mode 0600 in a 0700 directory. A token file that others can read, or that is a link, is refused.
 */
export async function localToken(
  tokenFile: string,
  env: Record<string, string | undefined> = process.env,
): Promise<LocalToken> {
  const fromEnv = env.RAMPART_TOKEN;
  if (fromEnv !== undefined) {
    if (fromEnv.length < MIN_TOKEN_LENGTH)
      throw new ConfigError(`RAMPART_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters`);
    return { token: fromEnv, source: 'the RAMPART_TOKEN environment variable' };
  }
  const file = path.resolve(expandHome(tokenFile));
  const info = await lstat(file).catch(() => undefined);
  if (info) {
    if (info.isSymbolicLink())
      throw new ConfigError(`token file "${file}" is a symbolic link; refusing to use it`);
    if ((info.mode & 0o077) !== 0) {
      throw new ConfigError(
        `token file "${file}" can be read by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
      );
    }
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length < MIN_TOKEN_LENGTH)
      throw new ConfigError(`token file "${file}" holds a token shorter than ${MIN_TOKEN_LENGTH} characters`);
    return { token, source: file };
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  const handle = await open(file, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(`${token}\n`);
  } finally {
    await handle.close();
  }
  return { token, source: file };
}
