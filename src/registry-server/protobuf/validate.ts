import {
  type ExtendElement,
  type FieldElement,
  type GroupElement,
  type MessageElement,
  mapTypes,
  type ProtoFileElement,
  SCALAR_TYPES,
  type TypeElement,
} from './ast.js';
import { BUILTIN_FILES } from './builtins.js';
import { ProtoSchemaError, type ProtoScope, scopeOf } from './scope.js';

const MAP_KEY_TYPES = new Set([...SCALAR_TYPES].filter((t) => !['double', 'float', 'bytes'].includes(t)));

/**
 * Refuses what Confluent refuses at registration: an import that is neither one of the schema's references nor
 * a file the registry knows, and a type name that resolves to nothing.
 */
export function checkSchema(
  file: ProtoFileElement,
  scope: ProtoScope,
  referenceNames: ReadonlySet<string>,
): void {
  for (const path of [...file.imports, ...file.publicImports, ...file.weakImports]) {
    if (!referenceNames.has(path) && !BUILTIN_FILES.has(path)) {
      throw new ProtoSchemaError(
        `import "${path}" is neither one of the schema's references nor a file the registry knows (google/protobuf, google/type, confluent)`,
      );
    }
  }
  const base = scopeOf(file);
  checkTypes(file.types, base, scope);
  checkExtends(file.extends, base, scope);
  for (const service of file.services) {
    for (const rpc of service.rpcs) {
      for (const type of [rpc.requestType, rpc.responseType]) {
        if (scope.resolve(type, base)?.kind !== 'message')
          throw undefinedType(type, `rpc ${[...base, service.name, rpc.name].join('.')}`);
      }
    }
  }
}

function undefinedType(type: string, where: string): ProtoSchemaError {
  return new ProtoSchemaError(
    `type "${type}" of ${where} is not defined in the schema, its references or the well-known types`,
  );
}

function checkTypes(types: readonly TypeElement[], enclosing: readonly string[], scope: ProtoScope): void {
  for (const type of types) if (type.kind === 'message') checkMessage(type, [...enclosing, type.name], scope);
}

function checkMessage(message: MessageElement, path: readonly string[], scope: ProtoScope): void {
  const where = (field: FieldElement) => `field ${[...path, field.name].join('.')}`;
  for (const field of [...message.fields, ...message.oneofs.flatMap((o) => o.fields)])
    checkField(field, path, scope, where(field));
  for (const group of allGroups(message)) checkMessage(group.message, [...path, group.message.name], scope);
  checkTypes(message.nested, path, scope);
  checkExtends(message.extends, path, scope);
}

const allGroups = (message: MessageElement): GroupElement[] => [
  ...message.groups,
  ...message.oneofs.flatMap((o) => o.groups),
];

function checkExtends(
  extendsList: readonly ExtendElement[],
  path: readonly string[],
  scope: ProtoScope,
): void {
  for (const extend of extendsList) {
    if (scope.resolve(extend.name, path)?.kind !== 'message')
      throw undefinedType(extend.name, 'an extend block');
    for (const field of extend.fields)
      checkField(field, path, scope, `extension ${[...path, field.name].join('.')}`);
    for (const group of extend.groups) checkMessage(group.message, [...path, group.message.name], scope);
  }
}

function checkField(field: FieldElement, path: readonly string[], scope: ProtoScope, where: string): void {
  const map = mapTypes(field.type);
  if (map) {
    if (!MAP_KEY_TYPES.has(map[0]))
      throw new ProtoSchemaError(
        `${where}: a map key must be an integer, bool or string type, not ${map[0]}`,
      );
    if (!SCALAR_TYPES.has(map[1]) && !scope.resolve(map[1], path)) throw undefinedType(map[1], where);
    return;
  }
  if (!SCALAR_TYPES.has(field.type) && !scope.resolve(field.type, path))
    throw undefinedType(field.type, where);
}
