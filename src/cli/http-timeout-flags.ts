import type { Command } from 'commander';

/** The flags every HTTP listener takes for slow and idle connections (`core/http-timeouts.ts`). */
export function addHttpTimeoutFlags(command: Command): Command {
  return command
    .option(
      '--headers-timeout-seconds <s>',
      'close a connection that has not sent its request headers within this (default 10)',
      Number,
    )
    .option(
      '--request-timeout-seconds <s>',
      'close a connection that has not sent its whole request within this (default 60)',
      Number,
    )
    .option(
      '--keep-alive-timeout-seconds <s>',
      'close an idle keep-alive connection after this (default 5)',
      Number,
    );
}
