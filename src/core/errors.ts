import { LimitExceeded } from '../guards/limits.js';
import { redactText } from '../guards/redact.js';
import { GuardRefusal } from '../guards/refusal.js';

/**
 * A refusal a tool raises on purpose. Its message is shown to the model as is, so it must name the
 * argument and the reason, and never carry a secret or content from outside the sandbox.
 */
export class Refusal extends Error {
  override readonly name = 'Refusal';
}

export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

const ERRNO_MESSAGES: Record<string, string> = {
  ENOENT: 'does not exist',
  EEXIST: 'already exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTEMPTY: 'directory is not empty',
  ELOOP: 'has a symbolic link loop',
  EXDEV: 'cannot move across filesystems',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only filesystem',
  EMFILE: 'too many open files; try again',
  EBUSY: 'resource busy',
  ENAMETOOLONG: 'name too long',
  ENXIO: 'is a socket or device that cannot be read',
  EINVAL: 'invalid operation',
};

function errno(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && code in ERRNO_MESSAGES ? code : undefined;
}

export interface SafeFailure {
  /** One line, safe to show the model. */
  readonly message: string;
  /** True when the failure was expected (a refusal or bad input), false for a bug or an unknown fault. */
  readonly expected: boolean;
}

/** Maps any thrown value to one safe line. Unknown errors never leak their message or stack. */
export function toSafeFailure(error: unknown): SafeFailure {
  if (error instanceof Refusal || error instanceof GuardRefusal || error instanceof LimitExceeded) {
    return { message: oneLine(redactText(error.message)), expected: true };
  }
  if (error instanceof Cancelled) return { message: oneLine(error.message), expected: true };
  const code = errno(error);
  if (code) return { message: `${ERRNO_MESSAGES[code]} (${code})`, expected: true };
  return { message: 'internal error; the server log has the details', expected: false };
}

export function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
