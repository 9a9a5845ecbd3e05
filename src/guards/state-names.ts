import { GuardRefusal } from './refusal.js';
/**
 * Names in the sessions server's shared state (scopes, keys, slots, resources) and how they become file
 * names and Redis keys. Pure. A name is free text to the model; what reaches the disk or Redis is an
 * escaped form in which no separator, no `..` and no path can appear, so no name reaches outside its
 * namespace.
 */

export class StateNameRefusal extends GuardRefusal {
  override readonly name = 'StateNameRefusal';
}

export const MAX_NAME_LENGTH = 256;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A scope, key or resource name as a model may give it: non-empty, bounded, printable. */
export function checkName(value: string, label: string): string {
  if (value.length === 0) throw new StateNameRefusal(`${label} is empty`);
  if (value.length > MAX_NAME_LENGTH) {
    throw new StateNameRefusal(`${label} is longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (CONTROL.test(value)) throw new StateNameRefusal(`${label} contains a control character`);
  return value;
}

const SAFE = /[A-Za-z0-9_-]/;

/**
 * A reversible escape that leaves only `[A-Za-z0-9_-]` and `%XX` sequences: no `/`, no `.`, no `:`, so the
 * result is one path component that is never `.` or `..`, and one Redis key segment with no separator.
 */
export function encodeName(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && SAFE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeName(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const char = encoded[i] as string;
    if (char === '%') {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new StateNameRefusal(`"${encoded}" is not an encoded name`);
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      if (!SAFE.test(char)) throw new StateNameRefusal(`"${encoded}" is not an encoded name`);
      bytes.push(char.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
