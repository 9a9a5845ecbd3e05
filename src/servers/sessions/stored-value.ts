import { Refusal } from '../../core/errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../guards/limits.js';

/**
 * A value read back from the store, refused when it nests deeper than any value a tool accepts: another writer
 * (another machine on a shared Redis, a hand-edited file) put it there, and returning it would recurse on it.
 */
export function storedValue(scope: string, key: string, value: unknown): unknown {
  if (exceedsJsonDepth(value, MAX_JSON_DEPTH)) {
    throw new Refusal(
      `${tooDeepMessage(`the value stored under scope "${scope}", key "${key}"`)}; delete_data removes it`,
    );
  }
  return value;
}
