/** Name rules the generator enforces before any file is made: npm's for packages, MCP's (and ours) for tools. */

/** Longest tool name: keeps every generated line that names a tool within the formatter's width. */
export const MAX_TOOL_NAME = 40;

const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const RESERVED = new Set(['node_modules', 'favicon.ico']);

/** Why `name` is not a valid new npm package name, or undefined when it is. */
export function npmNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 214) return 'is longer than 214 characters';
  if (name.trim() !== name) return 'has leading or trailing spaces';
  if (name !== name.toLowerCase()) return 'has capital letters';
  if (/^[._]/.test(name)) return 'starts with a dot or an underscore';
  if (RESERVED.has(name)) return 'is reserved';
  if (!NPM_NAME.test(name)) return 'may hold only a-z, 0-9, "-", ".", "_", "~" (and one @scope/)';
  return undefined;
}

/**
 * Why `name` is not a tool name, or undefined when it is. MCP allows 1–128 of `A-Za-z0-9_.-`; Rampart's
 * convention (and `defineTool`) is snake_case, which is also a safe file name and identifier.
 */
export function toolNameProblem(name: string): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) return 'must be snake_case: a-z first, then a-z, 0-9 or _';
  if (name.length > MAX_TOOL_NAME) return `is longer than ${MAX_TOOL_NAME} characters`;
  if (name.endsWith('_') || name.includes('__')) return 'may not end with _ or hold __';
  return undefined;
}

/** `read_file` → `readFile`: an identifier for a validated snake_case name. */
export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `@scope/my-server` → `my-server`: the name a client lists the server under. */
export function serverKey(npmName: string): string {
  return npmName.replace(/^@[^/]+\//, '');
}
