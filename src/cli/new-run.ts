import path from 'node:path';
import { packageVersion } from '../core/version.js';
import { generateProject, KINDS, parseSpec, SpecError } from '../generator/index.js';
import type { NewFlags } from './new-flags.js';
import { readOpenApiSource } from './new-openapi.js';
import { writeProject } from './new-write.js';
import { UsageError } from './usage-error.js';

async function specFromFlags(
  kind: string,
  dir: string | undefined,
  flags: NewFlags,
): Promise<{ spec: unknown; dir: string }> {
  if (!(KINDS as readonly string[]).includes(kind))
    throw new UsageError(`unknown kind "${kind}" (known: ${KINDS.join(', ')})`);
  const folder = dir ?? flags.name?.replace(/^@[^/]+\//, '') ?? `my-${kind}-server`;
  const name = flags.name ?? path.basename(path.resolve(folder));
  const common = {
    kind,
    name,
    ...(flags.description === undefined ? {} : { description: flags.description }),
  };
  if (kind === 'fs')
    return {
      dir: folder,
      spec: {
        ...common,
        ...(flags.root.length > 0 ? { roots: flags.root } : {}),
        readOnly: Boolean(flags.readOnly),
      },
    };
  if (kind === 'git')
    return { dir: folder, spec: { ...common, ...(flags.repo ? { repository: flags.repo } : {}) } };
  if (kind === 'db')
    return {
      dir: folder,
      spec: {
        ...common,
        ...(flags.engine ? { engine: flags.engine } : {}),
        ...(flags.urlEnv ? { urlEnv: flags.urlEnv } : {}),
        schemas: flags.schema,
      },
    };
  if (kind === 'api') {
    if (!flags.openapi) throw new UsageError('api needs --openapi <file or http(s) URL>');
    return {
      dir: folder,
      spec: {
        ...common,
        ...(await readOpenApiSource(flags.openapi, flags.allowPrivate)),
        ...(flags.envPrefix ? { envPrefix: flags.envPrefix } : {}),
      },
    };
  }
  if (kind === 'client') {
    if (flags.server.length === 0)
      throw new UsageError('client needs at least one --server name=<command or URL>');
    const servers = flags.server.map((given) => {
      const at = given.indexOf('=');
      if (at < 1) throw new UsageError(`--server ${given}: write name=<command or URL>`);
      return { name: given.slice(0, at), target: given.slice(at + 1) };
    });
    return { dir: folder, spec: { ...common, servers } };
  }
  if (flags.tool.length === 0) throw new UsageError('custom needs at least one --tool <name>');
  return { dir: folder, spec: { ...common, tools: flags.tool.map((t) => ({ name: t })) } };
}

export async function runNew(
  kind: string | undefined,
  dir: string | undefined,
  flags: NewFlags,
): Promise<void> {
  let chosen: { spec: unknown; dir: string };
  if (kind !== undefined) chosen = await specFromFlags(kind, dir, flags);
  else if (process.stdin.isTTY && process.stdout.isTTY)
    chosen = await (await import('./new-prompt.js')).askForSpec();
  else throw new UsageError(`give a kind (${KINDS.join(', ')}); see rampart new --help`);
  const started = performance.now();
  let files: Map<string, string>;
  let notes: string[];
  try {
    parseSpec(chosen.spec);
    ({ files, notes } = generateProject(chosen.spec, { toolkit: flags.toolkit ?? `^${packageVersion()}` }));
  } catch (error) {
    if (error instanceof SpecError) throw new UsageError(error.message);
    throw error;
  }
  const written = await writeProject(chosen.dir, files, Boolean(flags.force));
  const ms = Math.round(performance.now() - started);
  for (const note of notes) console.error(`note: ${note}`);
  console.log(`created ${written.length} files in ${chosen.dir} (${ms} ms)`);
  console.log(`next: cd ${chosen.dir} && npm install && npm test`);
}
