import type protobuf from 'protobufjs';
import { descriptorNamespace, protobufjs } from './protobufjs.js';

type Kind = 'message' | 'enum';

export interface BuiltinFile {
  readonly package: string;
  /** Type names inside the package (`Field.Kind` for nested ones) and their kinds. */
  readonly types: Readonly<Record<string, Kind>>;
}

/** descriptor.proto's types, from the copy protobufjs ships (it is the complete, current file). */
function descriptorTypes(): Record<string, Kind> {
  const { Enum, Type } = protobufjs();
  const types: Record<string, Kind> = {};
  const walk = (namespace: protobuf.NamespaceBase, prefix: string) => {
    for (const element of namespace.nestedArray) {
      if (element instanceof Enum) types[prefix + element.name] = 'enum';
      else if (element instanceof Type) {
        types[prefix + element.name] = 'message';
        walk(element, `${prefix + element.name}.`);
      }
    }
  };
  walk(descriptorNamespace(), '');
  return types;
}

let descriptorTypesRead: Record<string, Kind> | undefined;

const messages = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'message' as Kind]));
const enums = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'enum' as Kind]));
const wellKnown = (types: Record<string, Kind>): BuiltinFile => ({ package: 'google.protobuf', types });
const googleType = (types: Record<string, Kind>): BuiltinFile => ({ package: 'google.type', types });

/**
 * The files every Confluent registry knows without a reference (Google's well-known types, google/type and
 * Confluent's own), by the import path a schema names them with.
 */
export const BUILTIN_FILES: ReadonlyMap<string, BuiltinFile> = new Map([
  ['confluent/meta.proto', { package: 'confluent', types: messages('Meta') }],
  ['confluent/type/decimal.proto', { package: 'confluent.type', types: messages('Decimal') }],
  ['google/type/calendar_period.proto', googleType(enums('CalendarPeriod'))],
  ['google/type/color.proto', googleType(messages('Color'))],
  ['google/type/date.proto', googleType(messages('Date'))],
  ['google/type/datetime.proto', googleType(messages('DateTime', 'TimeZone'))],
  ['google/type/dayofweek.proto', googleType(enums('DayOfWeek'))],
  ['google/type/decimal.proto', googleType(messages('Decimal'))],
  ['google/type/expr.proto', googleType(messages('Expr'))],
  ['google/type/fraction.proto', googleType(messages('Fraction'))],
  ['google/type/interval.proto', googleType(messages('Interval'))],
  ['google/type/latlng.proto', googleType(messages('LatLng'))],
  ['google/type/money.proto', googleType(messages('Money'))],
  ['google/type/month.proto', googleType(enums('Month'))],
  ['google/type/phone_number.proto', googleType(messages('PhoneNumber', 'PhoneNumber.ShortCode'))],
  ['google/type/postal_address.proto', googleType(messages('PostalAddress'))],
  ['google/type/quaternion.proto', googleType(messages('Quaternion'))],
  ['google/type/timeofday.proto', googleType(messages('TimeOfDay'))],
  ['google/protobuf/any.proto', wellKnown(messages('Any'))],
  ['google/protobuf/api.proto', wellKnown(messages('Api', 'Method', 'Mixin'))],
  [
    'google/protobuf/descriptor.proto',
    {
      package: 'google.protobuf',
      // Read from protobufjs when first needed, so that the registry starts without it.
      get types() {
        descriptorTypesRead ??= descriptorTypes();
        return descriptorTypesRead;
      },
    },
  ],
  ['google/protobuf/duration.proto', wellKnown(messages('Duration'))],
  ['google/protobuf/empty.proto', wellKnown(messages('Empty'))],
  ['google/protobuf/field_mask.proto', wellKnown(messages('FieldMask'))],
  ['google/protobuf/source_context.proto', wellKnown(messages('SourceContext'))],
  [
    'google/protobuf/struct.proto',
    wellKnown({ ...messages('Struct', 'Value', 'ListValue'), NullValue: 'enum' }),
  ],
  ['google/protobuf/timestamp.proto', wellKnown(messages('Timestamp'))],
  [
    'google/protobuf/type.proto',
    wellKnown({
      ...messages('Type', 'Field', 'Enum', 'EnumValue', 'Option'),
      ...enums('Field.Kind', 'Field.Cardinality', 'Syntax'),
    }),
  ],
  [
    'google/protobuf/wrappers.proto',
    wellKnown(
      messages(
        'DoubleValue',
        'FloatValue',
        'Int64Value',
        'UInt64Value',
        'Int32Value',
        'UInt32Value',
        'BoolValue',
        'StringValue',
        'BytesValue',
      ),
    ),
  ],
]);

/**
 * Every built-in type by full name. A field of one of these types resolves to it, so
 * `google.protobuf.Timestamp` and `.google.protobuf.Timestamp` are the same type and an enum is an enum.
 */
export function builtinTypes(): Readonly<Record<string, Kind>> {
  builtinTypesByName ??= Object.fromEntries(
    [...BUILTIN_FILES.values()].flatMap((file) =>
      Object.entries(file.types).map(([name, kind]) => [`${file.package}.${name}`, kind]),
    ),
  );
  return builtinTypesByName;
}
let builtinTypesByName: Readonly<Record<string, Kind>> | undefined;

/** The built-in file that declares a type (by full name, without a leading dot). */
export function builtinFileOf(fullName: string): string | undefined {
  for (const [path, file] of BUILTIN_FILES) {
    if (fullName.startsWith(`${file.package}.`) && file.types[fullName.slice(file.package.length + 1)])
      return path;
  }
  return undefined;
}
