import type { Env, Hono } from 'hono';
import { consoleFileResponse, DEFAULT_CONSOLE_DIR, loadConsoleAssets } from './console-static.js';

export interface ConsoleOptions {
  /** The built console (default: dist/console of this installation). */
  readonly dir?: string;
}

/**
 * The console's routes, registered after the gateway's own: its built files at / (read once, at start), every
 * other page navigation answered with the app, and anything else left to the gateway's 404.
 */
export function mountConsole<E extends Env>(app: Hono<E>, options: ConsoleOptions): void {
  const assets = loadConsoleAssets(options.dir ?? DEFAULT_CONSOLE_DIR);
  app.get('*', async (c) => consoleFileResponse(c.req.raw, await assets) ?? c.notFound());
}
