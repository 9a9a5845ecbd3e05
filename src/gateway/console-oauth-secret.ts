import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/config.js';
import { expandHome } from '../guards/path.js';

/** The environment variable a confidential console client's secret may come from, when no file is configured. */
export const CONSOLE_CLIENT_SECRET_ENV = 'RAMPART_OAUTH_CONSOLE_CLIENT_SECRET';

/** The console client's secret: from the configured file, else from the environment, else none (public client). */
export function consoleClientSecret(
  file: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  if (file !== undefined) {
    const full = path.resolve(expandHome(file));
    let text: string;
    try {
      // Like the token file: a link, or a file others can read, is refused.
      const info = lstatSync(full);
      if (info.isSymbolicLink())
        throw new ConfigError(`oauthConsoleClientSecretFile ${full} is a symbolic link; refusing to use it`);
      if ((info.mode & 0o077) !== 0)
        throw new ConfigError(
          `oauthConsoleClientSecretFile ${full} can be read by others (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`,
        );
      text = readFileSync(full, 'utf8');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(
        `oauthConsoleClientSecretFile ${full} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const secret = text.trim();
    if (secret === '') throw new ConfigError(`oauthConsoleClientSecretFile ${full} is empty`);
    return secret;
  }
  const fromEnv = env[CONSOLE_CLIENT_SECRET_ENV]?.trim();
  return fromEnv ? fromEnv : undefined;
}
