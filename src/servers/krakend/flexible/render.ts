import path from 'node:path';
import { type Node as JsonNode, parseTree } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { Refusal } from '../../../core/errors.js';
import { type MappedText, splice } from './source-map.js';
import { TemplateError } from './template/errors.js';
import { Renderer, type Sources } from './template/exec.js';
import { type Node, parseTemplate } from './template/parser.js';
import type { Value } from './template/values.js';

/** Reading files for a render: every path goes through the caller's sandbox. */
export interface FlexibleFiles {
  read(file: string): Promise<string>;
  /** Entries of a folder, or undefined when it does not exist. */
  list(dir: string): Promise<{ name: string; dir: boolean }[] | undefined>;
}

/** Community Edition's FC_SETTINGS, FC_PARTIALS, FC_TEMPLATES, relative to the template's folder. */
export interface CommunityDirs {
  readonly settings?: string;
  readonly partials?: string;
  readonly templates?: string;
}

export interface Rendered extends MappedText {
  readonly edition: 'ce' | 'ee';
  readonly settingsFiles: readonly string[];
  readonly notes: readonly string[];
}

export const EE_CONFIG = 'flexible_config.json';
const SETTINGS_SUFFIXES = new Set(['.json', '.yaml', '.yml']);
const MAX_REF_ROUNDS = 32;

/** A name inside a folder that stays inside it: KrakenD's include and template names are relative paths. */
function inside(dir: string, name: string, what: string): string {
  const full = path.resolve(dir, name);
  if (full !== dir && !full.startsWith(`${dir}${path.sep}`))
    throw new Refusal(`${what} "${name}" is outside ${dir}`);
  return full;
}

/**
 * What a render includes, read through the caller's files: a template is parsed once however often it is
 * included; a partial is text. `locate` turns an include's name into its file, or refuses it.
 */
function fileSources(
  files: FlexibleFiles,
  base: string,
  parsed: Map<string, readonly Node[]>,
  locate: { template(name: string): Promise<string>; partial(name: string): Promise<string> },
): Sources {
  return {
    template: async (name) => {
      const file = await locate.template(name);
      let nodes = parsed.get(file);
      if (!nodes) {
        nodes = parseTemplate(await files.read(file), path.relative(base, file));
        parsed.set(file, nodes);
      }
      return { nodes, file: path.relative(base, file) };
    },
    partial: async (name) => {
      const file = await locate.partial(name);
      return { text: await files.read(file), file: path.relative(base, file) };
    },
  };
}

async function parseSettingsFile(files: FlexibleFiles, file: string): Promise<Value> {
  const text = await files.read(file);
  try {
    return file.endsWith('.json') ? (JSON.parse(text) as Value) : (parseYaml(text) as Value);
  } catch (error) {
    throw new Refusal(
      `loading flexible-config settings: ${path.basename(file)}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * Renders a Flexible Configuration template as KrakenD does before it parses the result: Community Edition with
 * its settings, partials and templates folders, or the Enterprise engine when `flexible_config.json` sits beside
 * the template (recursive folders, YAML settings, `$ref` replacement, undefined variables as errors by default).
 * The result maps every character back to the template or partial line that produced it.
 */
export async function renderFlexible(
  template: { text: string; file: string },
  files: FlexibleFiles,
  dirs: CommunityDirs,
  maxBytes: number,
): Promise<Rendered> {
  const base = path.dirname(template.file);
  const entries = (await files.list(base)) ?? [];
  const enterprise = entries.some((e) => e.name === EE_CONFIG && !e.dir);
  const nodes = parseTemplate(template.text, path.basename(template.file));
  const parsed = new Map<string, readonly Node[]>();
  if (!enterprise) {
    const dir = async (given: string | undefined, name: string) =>
      given
        ? path.resolve(base, given)
        : entries.some((e) => e.name === name && e.dir)
          ? path.join(base, name)
          : undefined;
    const settingsDir = await dir(dirs.settings, 'settings');
    const partialsDir = await dir(dirs.partials, 'partials');
    const templatesDir = await dir(dirs.templates, 'templates');
    const data: Record<string, Value> = {};
    const settingsFiles: string[] = [];
    if (settingsDir) {
      const listed = (await files.list(settingsDir)) ?? [];
      const json = listed.filter((e) => !e.dir && e.name.endsWith('.json'));
      if (json.length === 0 && listed.some((e) => e.dir) && !dirs.settings)
        throw new Refusal(
          `the settings folder holds ${listed
            .filter((e) => e.dir)
            .map((e) => e.name)
            .join(
              ', ',
            )}: say which with flexible.settings (e.g. "settings/${listed.find((e) => e.dir)?.name}"), as FC_SETTINGS does`,
        );
      for (const entry of json) {
        data[entry.name.slice(0, -'.json'.length)] = await parseSettingsFile(
          files,
          path.join(settingsDir, entry.name),
        );
        settingsFiles.push(path.relative(base, path.join(settingsDir, entry.name)));
      }
    }
    const renderer = new Renderer(
      fileSources(files, base, parsed, {
        template: async (name) => {
          if (!templatesDir) throw new Refusal('no templates folder (flexible.templates, FC_TEMPLATES)');
          return inside(templatesDir, name, 'template');
        },
        partial: async (name) => {
          if (!partialsDir) throw new Refusal('no partials folder (flexible.partials, FC_PARTIALS)');
          return inside(partialsDir, name, 'partial');
        },
      }),
      { missingKey: 'invalid', maxOutputBytes: maxBytes },
    );
    await renderer.render(nodes, path.basename(template.file), data);
    return {
      edition: 'ce',
      text: renderer.text,
      segments: renderer.segments,
      settingsFiles,
      notes: [...renderer.notes],
    };
  }
  return renderEnterprise(template, nodes, base, files, maxBytes, parsed);
}

interface EnterpriseConfig {
  settings?: {
    paths?: string[];
    allowed_suffixes?: string[];
    dir_field_prefix?: string;
    allow_overwrite?: boolean;
  };
  partials?: { paths?: string[] };
  templates?: { paths?: string[]; undefined_vars?: 'error' | 'zero' | 'invalid' };
  ref_key?: string;
}

async function walk(files: FlexibleFiles, dir: string, found: string[] = []): Promise<string[]> {
  for (const entry of (await files.list(dir)) ?? []) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.dir) await walk(files, full, found);
    else found.push(full);
    if (found.length > 5000) throw new Refusal(`more than 5000 files under ${dir}`);
  }
  return found;
}

async function renderEnterprise(
  template: { text: string; file: string },
  nodes: readonly Node[],
  base: string,
  files: FlexibleFiles,
  maxBytes: number,
  parsed: Map<string, readonly Node[]>,
): Promise<Rendered> {
  let config: EnterpriseConfig;
  try {
    config = JSON.parse(await files.read(path.join(base, EE_CONFIG))) as EnterpriseConfig;
  } catch (error) {
    throw new Refusal(`${EE_CONFIG}: ${(error as Error).message}`);
  }
  const data: Record<string, Value> = {};
  const settingsFiles: string[] = [];
  const prefix = config.settings?.dir_field_prefix ?? '';
  for (const root of config.settings?.paths ?? []) {
    const dir = path.resolve(base, root);
    for (const file of await walk(files, dir)) {
      const suffix = path.extname(file);
      const allowed = config.settings?.allowed_suffixes;
      if (allowed && !allowed.some((s) => file.endsWith(s))) continue;
      if (!SETTINGS_SUFFIXES.has(suffix)) {
        if (allowed)
          throw new Refusal(
            `settings file ${path.relative(base, file)}: Rampart reads JSON and YAML settings only`,
          );
        continue;
      }
      const parts = path.relative(dir, file).slice(0, -suffix.length).split(path.sep);
      const leaf = parts.pop() as string;
      let node = data;
      for (const part of parts) {
        const key = `${prefix}${part}`;
        node[key] ??= {};
        node = node[key] as Record<string, Value>;
      }
      if (Object.hasOwn(node, leaf) && !config.settings?.allow_overwrite)
        throw new Refusal(
          `settings ${path.relative(base, file)} overwrites "${leaf}" (settings.allow_overwrite is false)`,
        );
      node[leaf] = await parseSettingsFile(files, file);
      settingsFiles.push(path.relative(base, file));
    }
  }
  const find = async (roots: readonly string[] | undefined, name: string, what: string) => {
    for (const root of roots ?? []) {
      const dir = path.resolve(base, root);
      const file = inside(dir, name, what);
      const listed = await files.list(path.dirname(file));
      if (listed?.some((e) => e.name === path.basename(file) && !e.dir)) return file;
    }
    throw new Refusal(
      `no ${what} "${name}" in ${(roots ?? []).join(', ') || `any ${what}s path of ${EE_CONFIG}`}`,
    );
  };
  const renderer = new Renderer(
    fileSources(files, base, parsed, {
      template: (name) => find(config.templates?.paths, name, 'template'),
      partial: (name) => find(config.partials?.paths, name, 'partial'),
    }),
    { missingKey: config.templates?.undefined_vars ?? 'error', maxOutputBytes: maxBytes },
  );
  const templateName = path.basename(template.file);
  await renderer.render(nodes, templateName, data);
  let mapped: MappedText = { text: renderer.text, segments: renderer.segments };
  mapped = await replaceRefs(mapped, config.ref_key ?? '$ref', base, files, maxBytes);
  return { edition: 'ee', ...mapped, settingsFiles, notes: [...renderer.notes] };
}

/** Enterprise `$ref`: an object holding only the ref key is replaced by the file it names, round after round. */
async function replaceRefs(
  mapped: MappedText,
  key: string,
  base: string,
  files: FlexibleFiles,
  maxBytes: number,
): Promise<MappedText> {
  let current = mapped;
  for (let round = 0; round < MAX_REF_ROUNDS; round++) {
    const tree = parseTree(current.text);
    if (!tree) return current;
    const refs: { start: number; end: number; target: string }[] = [];
    const visit = (node: JsonNode) => {
      if (node.type === 'object') {
        const property = node.children?.find((p) => p.children?.[0]?.value === key);
        const value = property?.children?.[1]?.value;
        if (typeof value === 'string') {
          refs.push({ start: node.offset, end: node.offset + node.length, target: value });
          return;
        }
      }
      for (const child of node.children ?? []) visit(child);
    };
    visit(tree);
    if (refs.length === 0) return current;
    for (const ref of refs.sort((a, b) => b.start - a.start)) {
      const file = inside(base, ref.target, '$ref');
      const text = (await files.read(file)).trim();
      current = splice(current, ref.start, ref.end, { text, file: path.relative(base, file) });
      if (current.text.length > maxBytes)
        throw new Refusal(`the rendered config is over the ${maxBytes}-byte limit`);
    }
  }
  throw new TemplateError(
    EE_CONFIG,
    1,
    `$ref replacements go more than ${MAX_REF_ROUNDS} levels deep (a cycle?)`,
  );
}
