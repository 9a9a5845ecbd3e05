import { Refusal } from '../../core/errors.js';
import type { Sandbox } from '../../core/sandbox.js';
import { exceedsTextDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../guards/limits.js';

export interface ConfigText {
  readonly text: string;
  /** The file it came from (its real path), or undefined for inline JSON. */
  readonly file?: string;
  /** How to name it in messages: the path as given, or "the inline config". */
  readonly label: string;
}

/** Inline JSON starts with `{` or `[`; a Flexible Configuration template inline starts with `{{` too. */
export function looksInline(value: string): boolean {
  const start = value.trimStart()[0];
  return start === '{' || start === '[' || value.includes('\n');
}

/** Refuses a config nested deeper than the policy allows, read from its text before any parser recurses on it. */
function withinDepth(config: ConfigText): ConfigText {
  if (exceedsTextDepth(config.text, MAX_JSON_DEPTH)) throw new Refusal(tooDeepMessage(config.label));
  return config;
}

/**
 * A tool's `config` argument: JSON text as it is, or a path read inside the allowed roots (the same checks as
 * the fs server: no way out through `..` or links, and the descriptor is verified after open). Either way its
 * size and nesting are capped before anything parses it.
 */
export async function readConfigArgument(
  value: string,
  sandbox: Sandbox,
  maxBytes: number,
  label = 'config',
): Promise<ConfigText> {
  if (looksInline(value)) {
    if (Buffer.byteLength(value) > maxBytes) {
      throw new Refusal(`${label} is over the ${maxBytes}-byte limit for a config`);
    }
    return withinDepth({ text: value, label: `the inline ${label}` });
  }
  if (sandbox.roots.length === 0) {
    throw new Refusal(
      `${label} "${value}" looks like a file path, but no directories are allowed; pass the JSON itself, or start the server with a directory (rampart krakend <dir>)`,
    );
  }
  const opened = await sandbox.openFile(value, label);
  try {
    if (opened.size > maxBytes) {
      throw new Refusal(
        `${label} "${value}" is ${opened.size} bytes, over the ${maxBytes}-byte limit for a config`,
      );
    }
    const text = await opened.handle.readFile({ encoding: 'utf8' });
    return withinDepth({ text, file: opened.real, label: `"${value}"` });
  } finally {
    await opened.handle.close();
  }
}
