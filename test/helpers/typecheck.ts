import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPO } from './mcp.js';

/** Where virtual files live: inside the checkout, so that `zod` and the SDK resolve from its node_modules. */
export const VIRTUAL_ROOT = path.join(REPO, 'test/.virtual');

/**
 * Typechecks in-memory files (relative path → text, under `VIRTUAL_ROOT/<folder>`) with the repository's strict
 * options, `rampart-mcp/toolkit` mapped to the toolkit's source, in-process (no tsc spawned, nothing written).
 * Returns one line per diagnostic.
 */
export function typecheck(folders: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  const files = new Map<string, string>();
  for (const [folder, contents] of folders)
    for (const [file, text] of contents) files.set(path.join(VIRTUAL_ROOT, folder, file), text);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [path.join(REPO, 'node_modules/@types')],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    baseUrl: REPO,
    paths: { 'rampart-mcp/toolkit': ['src/toolkit/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) =>
    [...files.keys()].some((name) => name.startsWith(`${dir}/`)) || (directoryExists?.(dir) ?? false);
  host.realpath = (name) => (files.has(name) ? name : (ts.sys.realpath?.(name) ?? name));
  host.getSourceFile = (name, language) => {
    const text = files.get(name) ?? (fileExists(name) ? readFileSync(name, 'utf8') : undefined);
    return text === undefined ? undefined : ts.createSourceFile(name, text, language, true);
  };
  const program = ts.createProgram(
    [...files.keys()].filter((name) => /\.tsx?$/.test(name)),
    options,
    host,
  );
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || files.has(d.file.fileName))
    .map((d) => {
      const where = d.file
        ? `${path.relative(VIRTUAL_ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
