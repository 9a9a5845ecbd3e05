// Preloaded into a server with `--import <this file>?dir=<dir>` when BENCH_DB_PROFILE is set: samples the
// whole process and writes <dir>/<script>-<pid>.cpuprofile when it exits, also on SIGTERM. (`--cpu-prof`
// alone writes nothing here: the MCP client ends a server that outlives stdin with SIGTERM.)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = new URL(import.meta.url).searchParams.get('dir');
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-thread inspector session answers synchronously, so this works inside an 'exit' listener.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const name = `${basename(process.argv[1] ?? 'node', '.js')}-${process.pid}.cpuprofile`;
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  };
  process.on('exit', write);
  process.once('SIGTERM', () => {
    write();
    process.exit(0);
  });
}
