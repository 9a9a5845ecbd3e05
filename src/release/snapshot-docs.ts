import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SNAPSHOT_FOLDER } from '../servers/krakend/docs/snapshot.js';
import { buildSnapshot, DEFAULT_DOCS_URL, writeSnapshot } from '../servers/krakend/docs/snapshot-build.js';

/**
 * `npm run snapshot:krakend-docs -- --from <url|dir> [--license <url|file>] [--out <dir>]`: writes the dated KrakenD
 * docs snapshot at the package root, where the npm package (`files`) and the Docker image pick it up.
 */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: DEFAULT_DOCS_URL },
    license: { type: 'string' },
    out: { type: 'string', default: path.join(REPO, SNAPSHOT_FOLDER) },
  },
});

try {
  const snapshot = await buildSnapshot({
    from: values.from,
    ...(values.license ? { license: values.license } : {}),
    timeoutMs: 60_000,
    maxBytes: 64 * 1024 * 1024,
  });
  await writeSnapshot(values.out, snapshot);
  process.stderr.write(
    `rampart: wrote the KrakenD docs snapshot (${snapshot.meta.pages} pages, ${snapshot.meta.chunks} sections, ` +
      `from ${snapshot.meta.source}) to ${values.out}\n`,
  );
} catch (error) {
  process.stderr.write(`rampart: no docs snapshot: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
