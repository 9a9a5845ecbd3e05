import { UsageError } from './usage-error.js';

export interface CallArgs {
  /** The server's own positional arguments (directories, a URL). */
  readonly serverArgs: string[];
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

const TOOL_NAME = /^[a-z][a-z0-9_]*$/;
const EXAMPLE = 'e.g. rampart call fs . read_text_file \'{"path":"README.md"}\'';

function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

function parseToolArgs(tool: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`the arguments for ${tool} are not valid JSON: ${text}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`the arguments for ${tool} must be a JSON object, like {"path":"README.md"}`);
  return value as Record<string, unknown>;
}

/**
 * Splits `rampart call <server> [server args…] <tool> [json]` once flags are removed. The last word is the JSON
 * arguments only when it looks like JSON (starts with { or [), so the JSON may be left out ({} then); the word
 * before it (or the last word) is the tool. A tool name is snake_case, so a path or URL is never taken for one.
 */
export function splitCallArgs(
  server: string,
  words: readonly string[],
  maxServerArgs = Number.POSITIVE_INFINITY,
): CallArgs {
  const rest = [...words];
  const last = rest.at(-1);
  const json = last !== undefined && looksLikeJson(last) ? (rest.pop() as string) : undefined;
  const tool = rest.pop();
  if (tool === undefined) {
    throw new UsageError(
      `call ${server} needs a tool name after the server's arguments${json ? ', before the JSON' : ''}; ${EXAMPLE}`,
    );
  }
  if (!TOOL_NAME.test(tool)) {
    throw new UsageError(
      `expected a tool name (snake_case)${json ? ' before the JSON arguments' : ', optionally followed by its JSON arguments,'} ` +
        `but got "${tool}"; ${EXAMPLE} (\`rampart tools ${server} …\` lists the tools)`,
    );
  }
  if (rest.length > maxServerArgs) {
    throw new UsageError(
      `${server} takes ${maxServerArgs === 0 ? 'no arguments' : `at most ${maxServerArgs} argument`} before the ` +
        `tool name, but got ${rest.map((w) => `"${w}"`).join(', ')}`,
    );
  }
  return { serverArgs: rest, tool, args: json === undefined ? {} : parseToolArgs(tool, json) };
}
