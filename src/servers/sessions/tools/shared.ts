import { z } from 'zod';
import type { ToolAnnotationsSpec } from '../../../core/define.js';
import type { Session } from '../session.js';
import type { SessionStore } from '../store/types.js';

/** What every sessions tool works with: this connection's session and the project's store. */
export interface SessionsContext {
  readonly session: Session;
  readonly store: () => SessionStore;
}

export const annotations = (
  readOnly: boolean,
  destructive: boolean,
  idempotent: boolean,
): ToolAnnotationsSpec => ({
  readOnlyHint: readOnly,
  destructiveHint: destructive,
  idempotentHint: idempotent,
  openWorldHint: false,
});

export const scopeArg = z
  .string()
  .describe(
    'A namespace for keys, e.g. "session:claude_1", "issue:42" or "team"; shared by every session of the project',
  );
export const keyArg = z.string().describe('The key within the scope');
export const valueArg = z.unknown().describe('Any JSON value');
