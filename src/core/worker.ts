import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `<name>.js` that sits beside `importerUrl`. Built, that is plain JavaScript. Run from
 * source (the test runner), it is the `.ts` file, loaded through tsx's loader, which Node 20 does not apply to a
 * worker's entry given by --import.
 */
export function startWorker(importerUrl: string, name: string, workerData: unknown): Worker {
  if (!importerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, importerUrl), { workerData });
  const entry = JSON.stringify(new URL(`./${name}.ts`, importerUrl).href);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Forks the module `<name>.js` beside `importerUrl` as a child process with an IPC channel, for work that must be
 * stoppable even inside native code (a thread cannot be terminated there; a process can be killed). From source,
 * the `.ts` file runs through tsx.
 */
export function forkModule(importerUrl: string, name: string, data: unknown): ChildProcess {
  const fromSource = importerUrl.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, importerUrl));
  return fork(entry, [JSON.stringify(data)], {
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}
