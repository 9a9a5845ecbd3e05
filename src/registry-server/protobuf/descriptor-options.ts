import type { OptionElement, OptionValue } from './ast.js';
import { metaKey, type OptionsTypeName, optionsType } from './descriptor-codec.js';
import type { OptionsObject } from './descriptor-types.js';
import { protobufjs } from './protobufjs.js';

/** Which of Confluent's meta options an options message can hold. */
export type MetaName = 'file_meta' | 'message_meta' | 'field_meta' | 'enum_meta' | 'enum_value_meta';

const SKIPPED = new Set(['uninterpretedOption', 'features']);

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCase = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The options a descriptor's options message holds, as option elements: the standard ones in declaration order,
 * then Confluent's meta option. Custom options other than Confluent's cannot be read without their definitions
 * and are left out, as Confluent's registry does.
 */
export function optionsFromObject(
  object: OptionsObject | undefined,
  typeName: OptionsTypeName,
  metaName?: MetaName,
): OptionElement[] {
  if (!object) return [];
  const type = optionsType(typeName);
  const options: OptionElement[] = [];
  for (const field of type.fieldsArray) {
    const value = object[field.name];
    if (value === undefined || field.repeated || SKIPPED.has(field.name) || field.name.startsWith('.'))
      continue;
    field.resolve();
    let element: OptionValue | undefined;
    if (typeof value === 'boolean') element = { kind: 'bool', value };
    else if (typeof value === 'string')
      element =
        field.resolvedType instanceof protobufjs().Enum ? { kind: 'enum', value } : { kind: 'string', value };
    else if (typeof value === 'number') element = { kind: 'number', value: String(value) };
    if (element) options.push({ name: snakeCase(field.name), value: element });
  }
  const meta = metaName ? (object[metaKey(metaName)] as MetaObject | undefined) : undefined;
  const metaOption = meta && metaName ? metaToOption(metaName, meta) : undefined;
  if (metaOption) options.push(metaOption);
  return options;
}

interface MetaObject {
  doc?: string;
  params?: Record<string, string>;
  tags?: string[];
}

function metaToOption(metaName: MetaName, meta: MetaObject): OptionElement | undefined {
  const entries: [string, OptionValue][] = [];
  if (meta.doc) entries.push(['doc', { kind: 'string', value: meta.doc }]);
  const params = Object.entries(meta.params ?? {});
  if (params.length > 0) {
    const items = params.map(([key, value]): OptionValue => {
      const k: [string, OptionValue] = ['key', { kind: 'string', value: key }];
      const v: [string, OptionValue] = ['value', { kind: 'string', value }];
      // Confluent writes precision and scale value first, and so compares them that way.
      return { kind: 'map', entries: key === 'precision' || key === 'scale' ? [v, k] : [k, v] };
    });
    entries.push(['params', { kind: 'list', items }]);
  }
  if (meta.tags && meta.tags.length > 0)
    entries.push(['tags', { kind: 'list', items: meta.tags.map((value) => ({ kind: 'string', value })) }]);
  return entries.length > 0
    ? { name: `(confluent.${metaName})`, value: { kind: 'map', entries } }
    : undefined;
}

const META_OPTION = /^\(\.?confluent\.([a-z_]+)\)(?:\.(doc|params|tags))?$/;

/** The options message for a descriptor: standard options by name, Confluent's meta option merged into one. */
export function optionsToObject(
  options: readonly OptionElement[],
  typeName: OptionsTypeName,
  metaName?: MetaName,
): OptionsObject | undefined {
  const type = optionsType(typeName);
  const object: OptionsObject = {};
  const meta: Required<MetaObject> = { doc: '', params: {}, tags: [] };
  let hasMeta = false;
  for (const option of options) {
    const metaMatch = META_OPTION.exec(option.name);
    if (metaMatch) {
      if (metaMatch[1] !== metaName) continue;
      hasMeta = true;
      addMeta(meta, metaMatch[2], option.value);
      continue;
    }
    if (!/^[a-z_][a-z0-9_]*$/.test(option.name)) continue;
    const field = type.fields[camelCase(option.name)];
    if (!field || field.repeated || SKIPPED.has(field.name)) continue;
    field.resolve();
    const value = option.value;
    if (field.type === 'bool' && value.kind === 'bool') object[field.name] = value.value;
    else if (field.type === 'string' && value.kind === 'string') object[field.name] = value.value;
    else if (field.resolvedType instanceof protobufjs().Enum) {
      if (value.kind === 'enum' && field.resolvedType.values[value.value] !== undefined)
        object[field.name] = value.value;
    } else if (value.kind === 'number' && !field.resolvedType) object[field.name] = Number(value.value);
  }
  if (hasMeta && metaName) {
    object[metaKey(metaName)] = {
      ...(meta.doc ? { doc: meta.doc } : {}),
      ...(Object.keys(meta.params).length > 0 ? { params: meta.params } : {}),
      ...(meta.tags.length > 0 ? { tags: meta.tags } : {}),
    };
  }
  return Object.keys(object).length > 0 ? object : undefined;
}

const strings = (value: OptionValue): string[] =>
  value.kind === 'string' ? [value.value] : value.kind === 'list' ? value.items.flatMap(strings) : [];

function addMeta(meta: Required<MetaObject>, part: string | undefined, value: OptionValue): void {
  if (part === undefined) {
    if (value.kind !== 'map') return;
    for (const [key, inner] of value.entries) addMeta(meta, key, inner);
  } else if (part === 'doc') meta.doc = strings(value)[0] ?? meta.doc;
  else if (part === 'tags') meta.tags.push(...strings(value));
  else if (part === 'params') {
    const pairs = value.kind === 'list' ? value.items : [value];
    for (const pair of pairs) {
      if (pair.kind !== 'map') continue;
      const key = pair.entries.find(([k]) => k === 'key')?.[1];
      const v = pair.entries.find(([k]) => k === 'value')?.[1];
      if (key?.kind === 'string' && v?.kind === 'string') meta.params[key.value] = v.value;
    }
  }
}
