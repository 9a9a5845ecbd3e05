import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { packageVersion } from '../core/version.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ReleaseFlags {
  out: string;
  releaseVersion?: string;
  signingKey?: string;
  krakendDocs: boolean;
  krakendDocsUrl: string;
  krakendDocsLicense?: string;
}

/** `rampart release`: the signed release artifacts the plugin's installer downloads. */
export function addReleaseCommand(program: Command): void {
  program
    .command('release')
    .description('build the release: a bundle of the CLI in a tarball, SHA256SUMS and its ed25519 signature')
    .option('--out <dir>', 'where to write the artifacts', 'release')
    // Not --version: that is the program's own flag, which would answer first.
    .option('--release-version <version>', 'the version to stamp (default: package.json)')
    .option('--signing-key <file>', 'ed25519 private key in PEM (default: RAMPART_RELEASE_SIGNING_KEY)')
    .option(
      '--krakend-docs-url <url|dir>',
      'llms-full.txt or a KrakenD docs folder to snapshot into the bundle',
      'https://www.krakend.io/llms-full.txt',
    )
    .option(
      '--krakend-docs-license <url|file>',
      "the docs' Apache-2.0 LICENSE (default: the docs repository's)",
    )
    .option('--no-krakend-docs', 'ship no KrakenD docs snapshot (docs search then needs sync or a network)')
    .action(async (flags: ReleaseFlags) => {
      const [{ buildRelease }, { loadSigningKey }] = await Promise.all([
        import('../release/release.js'),
        import('../release/signing.js'),
      ]);
      const signingKey = loadSigningKey(flags.signingKey, process.env);
      const release = await buildRelease({
        repo: REPO,
        outDir: path.resolve(flags.out),
        version: flags.releaseVersion ?? packageVersion(),
        signingKey,
        ...(flags.krakendDocs
          ? {
              krakendDocs: {
                from: flags.krakendDocsUrl,
                ...(flags.krakendDocsLicense ? { license: flags.krakendDocsLicense } : {}),
              },
            }
          : {}),
      });
      if (!flags.krakendDocs)
        process.stderr.write('rampart: no KrakenD docs snapshot in this release (--no-krakend-docs)\n');
      process.stderr.write(
        `rampart: wrote ${release.files.join(', ')} to ${path.resolve(flags.out)} ` +
          `(${(release.bytes / 1024 / 1024).toFixed(1)} MiB); verify with public key ${release.publicKey}\n`,
      );
    });
}
