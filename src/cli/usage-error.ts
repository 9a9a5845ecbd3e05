/** A mistake in how a command was invoked: main prints its message (no stack) and exits 2. */
export class UsageError extends Error {}
