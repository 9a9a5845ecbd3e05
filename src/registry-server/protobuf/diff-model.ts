import type { FieldElement, MessageElement, ProtoFileElement, TypeElement } from './ast.js';
import type { ProtoField, ProtoFile, ProtoMessage, ProtoType } from './model.js';

/**
 * The parts of a parsed file Confluent's diff compares: labels and type names as written, oneof members
 * apart; groups, extensions and `extend` blocks are not compared.
 */
export function toDiffModel(file: ProtoFileElement): ProtoFile {
  return {
    package: file.package,
    syntax: file.syntax ?? file.edition,
    imports: [...file.imports, ...file.publicImports, ...file.weakImports],
    types: file.types.map(toType),
  };
}

function toType(type: TypeElement): ProtoType {
  if (type.kind === 'enum') {
    return {
      kind: 'enum',
      name: type.name,
      constants: type.constants.map((c) => ({ name: c.name, number: c.number })),
    };
  }
  return toMessage(type);
}

function toMessage(message: MessageElement): ProtoMessage {
  return {
    kind: 'message',
    name: message.name,
    fields: message.fields.map(toField),
    oneofs: message.oneofs.map((o) => ({ name: o.name, fields: o.fields.map(toField) })),
    nested: message.nested.map(toType),
    mapEntry: message.options.some((o) => o.name === 'map_entry' && o.value.kind === 'bool' && o.value.value),
  };
}

const toField = (field: FieldElement): ProtoField => ({
  label: field.label,
  type: field.type,
  name: field.name,
  number: field.number,
});
