import { spawn } from 'node:child_process';
import { trackChild } from './children.js';

export interface CommandResult {
  readonly stdout: string;
  readonly exitCode: number | null;
}

/**
 * Runs a command without a shell, capturing stdout (stderr is discarded). Rejects on a spawn error, on an exit
 * code not in `okCodes`, or when it runs longer than `timeoutMs` (the child is killed).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { okCodes?: readonly number[]; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const okCodes = options.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const untrack = child.pid === undefined ? () => {} : trackChild(child.pid);
    const chunks: Buffer[] = [];
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${command} took longer than ${options.timeoutMs} ms`));
          }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      untrack();
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      untrack();
      if (code === null || !okCodes.includes(code)) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? 'a signal'}`));
        return;
      }
      resolve({ stdout: Buffer.concat(chunks).toString('utf8'), exitCode: code });
    });
  });
}
