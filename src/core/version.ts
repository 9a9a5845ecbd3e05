import { readFileSync } from 'node:fs';

/** Set by the release bundle (esbuild `define`); absent when running from dist/ or source. */
declare const __RAMPART_VERSION__: string | undefined;

export function packageVersion(): string {
  if (typeof __RAMPART_VERSION__ === 'string') return __RAMPART_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
