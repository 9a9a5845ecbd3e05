import type { ApiOperation } from './read.js';
import { exampleFor } from './samples.js';

/** Arguments the generated test calls an operation with, or why it cannot make valid ones. */
export type Example = { readonly args: Record<string, unknown> } | { readonly missing: string };

/** A path segment may not be `.` or `..` (refused as traversal); a header value must be printable ASCII. */
function carriedIn(location: string): (value: unknown) => boolean {
  if (location === 'path') return (value) => String(value) !== '.' && String(value) !== '..';
  if (location === 'header') return (value) => /^[\x20-\x7e]*$/.test(String(value));
  return () => true;
}

/**
 * Arguments for one call of the operation: every parameter and the body, from the spec's examples where they are
 * valid, else made from the schema. A required one that cannot be made is reported, and its test left as a todo.
 */
export function exampleArguments(op: ApiOperation): Example {
  const args: Record<string, unknown> = {};
  for (const p of op.parameters) {
    const value = exampleFor(p.schema, p.example, carriedIn(p.in));
    if (value !== undefined) args[p.arg] = value;
    else if (p.required) return { missing: p.arg };
  }
  if (op.body) {
    const value = exampleFor(op.body.schema, op.body.example, () => true);
    if (value !== undefined) args.body = value;
    else if (op.body.required) return { missing: 'body' };
  }
  return { args };
}
