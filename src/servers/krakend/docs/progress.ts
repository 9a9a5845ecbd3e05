import cliProgress from 'cli-progress';

export type ProgressListener = (done: number, total: number, message: string) => void;

/** A progress bar on stderr when it is a terminal (someone running the CLI by hand); nothing otherwise. */
export function terminalProgress(
  stream: NodeJS.WriteStream = process.stderr,
  label = 'krakend docs',
): ProgressListener | undefined {
  if (!stream.isTTY) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  return (done, total, message) => {
    if (!bar) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} [{bar}] {value}/{total} {message}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { message });
    }
    bar.update(done, { message });
    if (done >= total) {
      bar.stop();
      bar = undefined;
    }
  };
}
