import type { RegistryClient } from './client.js';
import { path } from './tools/shared.js';

/**
 * Runs `work` with the subject in IMPORT mode (so ids and versions can be given and compatibility is not
 * checked), then puts the subject's own mode back, or removes the override it did not have, even on failure.
 */
export async function withImportMode<T>(
  client: RegistryClient,
  subject: string,
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  const own = await client
    .call<{ mode: string }>('GET', path('mode', subject), undefined, signal)
    .catch(() => undefined);
  await client.call('PUT', `${path('mode', subject)}?force=true`, { mode: 'IMPORT' }, signal);
  try {
    return await work();
  } finally {
    // No signal here: the restore must happen even when the call was cancelled.
    if (own) await client.call('PUT', `${path('mode', subject)}?force=true`, { mode: own.mode });
    else await client.call('DELETE', path('mode', subject)).catch(() => undefined);
  }
}
