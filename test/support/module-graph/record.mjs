// Preloaded with `node --import` (through NODE_OPTIONS) by test/module-graph.test.ts: appends the URL of every
// module the process loads to the file RAMPART_MODULE_LOG names, as it loads, so the test can read the list at
// the moment the server answers tools/list.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.RAMPART_MODULE_LOG;
if (log) {
  register('./hooks.mjs', import.meta.url, { data: { log } });
  // On Node 20 the ES module hooks do not see require(), so CommonJS loads are recorded here.
  const Module = createRequire(import.meta.url)('node:module');
  const load = Module._load;
  Module._load = function record(...args) {
    try {
      const file = Module._resolveFilename(...args);
      if (file.startsWith('/')) appendFileSync(log, `${pathToFileURL(file).href}\n`);
    } catch {}
    return load.apply(this, args);
  };
}
