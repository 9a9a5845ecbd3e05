import type { ResourceContents } from './define.js';
import { Refusal } from './errors.js';

export const JSON_TYPE = 'application/json';

/** A resource read's contents: `value` as indented JSON, at `uri`. */
export function jsonContents(uri: string, value: unknown): ResourceContents[] {
  return [{ uri, mimeType: JSON_TYPE, text: JSON.stringify(value, null, 2) }];
}

/**
 * A resource template's `{variable}`, percent-decoded (a list of values joined with commas, a missing one empty);
 * refused, naming the variable, when its percent-encoding is broken.
 */
export function decodeVariable(value: string | string[] | undefined, name: string): string {
  const raw = Array.isArray(value) ? value.join(',') : (value ?? '');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new Refusal(`${name} "${raw}" is not valid percent-encoding`);
  }
}
