import { MAX_TOOL_NAME, toolNameProblem } from '../names.js';

/** `listPets`, `list-pets` and `List Pets` all become `list_pets`; anything but a-z and 0-9 separates words. */
export function snake(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Cut to the tool-name length at a word boundary where one is near, never ending on `_`. */
function fitName(name: string): string {
  if (name.length <= MAX_TOOL_NAME) return name;
  const cut = name.slice(0, MAX_TOOL_NAME);
  const boundary = cut.lastIndexOf('_');
  return (boundary > MAX_TOOL_NAME / 2 ? cut.slice(0, boundary) : cut).replace(/_+$/, '');
}

/**
 * The tool name for an operation: its operationId in snake_case when that is a valid tool name, else one made
 * from the method and path (`GET /pets/{id}` → `get_pets_by_id`). `renamed` says why the operationId was not used.
 */
export function operationToolName(
  operationId: string | undefined,
  method: string,
  path: string,
): { name: string; renamed?: string } {
  if (operationId !== undefined) {
    const converted = snake(operationId);
    if (converted === '')
      return {
        name: fromPath(method, path),
        renamed: `operationId ${JSON.stringify(operationId)} has no a-z or 0-9 to make a tool name of`,
      };
    const named = /^[a-z]/.test(converted) ? converted : `op_${converted}`;
    const problem = toolNameProblem(named);
    if (!problem) return { name: named };
    const made = fromPath(method, path);
    return { name: made, renamed: `operationId ${JSON.stringify(operationId)} as a tool name ${problem}` };
  }
  return { name: fromPath(method, path) };
}

function fromPath(method: string, path: string): string {
  const words = snake(`${method} ${path.replace(/\{([^}]*)\}/g, ' by $1 ')}`);
  const named = fitName(words);
  return toolNameProblem(named) ? fitName(`${method.toLowerCase()}_operation`) : named;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Whether `key` may appear in generated code as an object key and a property access: a plain identifier, and
 * not `__proto__`, which an object literal would take as its prototype rather than a key.
 */
export function isCodeKey(key: string): boolean {
  return IDENTIFIER.test(key) && key !== '__proto__';
}

/** The argument name for a parameter: itself when it is a plain identifier, else its snake_case form. */
export function argumentName(parameter: string): string {
  if (isCodeKey(parameter)) return parameter;
  const converted = snake(parameter).slice(0, 64).replace(/_+$/, '');
  if (converted === '') return 'param';
  return /^[a-z_]/.test(converted) ? converted : `p_${converted}`.slice(0, 64);
}

/** An environment variable's name part: `bearerAuth` → `BEARER_AUTH`. */
export function envPart(text: string): string {
  return snake(text).toUpperCase().slice(0, 40).replace(/_+$/, '');
}
