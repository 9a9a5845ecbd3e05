import { javaUnionOrder } from '../java-order.js';
import { builtinTypes } from './builtins.js';
import type { ProtoEnum, ProtoField, ProtoFile, ProtoMessage, ProtoType } from './model.js';

/** Changes that keep data written with the original readable by the update (Confluent's compatible set). */
export const COMPATIBLE_CHANGES: ReadonlySet<string> = new Set([
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
]);

export const isCompatibleChange = (change: string) =>
  COMPATIBLE_CHANGES.has(change.slice(0, change.indexOf(' ')));

/** Where a type was declared: a registered subject and version, the schema itself, or nowhere (built in). */
interface Origin {
  readonly subject: string;
  readonly version: number;
}

interface TypeInfo {
  readonly packageName: string;
  readonly origin: Origin | null;
  readonly kind: 'message' | 'enum';
  readonly element?: ProtoType;
  readonly mapEntry: boolean;
}

/** One side of the comparison: a parsed schema and the files its imports name. */
export interface ProtoSide {
  readonly file: ProtoFile;
  /** Imported files by import path. */
  readonly dependencies: ReadonlyMap<string, ProtoFile>;
  /** Which registered subject/version each import path is. */
  readonly references: readonly {
    readonly name: string;
    readonly subject: string;
    readonly version: number;
  }[];
}

interface Registry {
  readonly types: Map<string, TypeInfo>;
  packageName: string;
}

function register(
  registry: Registry,
  types: readonly ProtoType[],
  packageName: string,
  origin: Origin | null,
  prefix: string[],
): void {
  for (const type of types) {
    const local = [...prefix, type.name];
    const full = packageName ? `${packageName}.${local.join('.')}` : local.join('.');
    registry.types.set(full, {
      packageName,
      origin,
      kind: type.kind,
      element: type,
      mapEntry: type.kind === 'message' && type.mapEntry,
    });
    if (type.kind === 'message') register(registry, type.nested, packageName, origin, local);
  }
}

function buildRegistry(side: ProtoSide): Registry {
  const registry: Registry = { types: new Map(), packageName: '' };
  for (const [full, kind] of Object.entries(builtinTypes())) {
    const packageName = full.startsWith('google.protobuf.')
      ? 'google.protobuf'
      : full.startsWith('google.type.')
        ? 'google.type'
        : full.startsWith('confluent.type.')
          ? 'confluent.type'
          : 'confluent';
    registry.types.set(full, { packageName, origin: null, kind, mapEntry: false });
  }
  for (const [name, file] of side.dependencies) {
    const reference = [...side.references].reverse().find((r) => r.name === name);
    register(
      registry,
      file.types,
      file.package ?? '',
      reference ? { subject: reference.subject, version: reference.version } : null,
      [],
    );
  }
  register(registry, side.file.types, side.file.package ?? '', { subject: '', version: -1 }, []);
  registry.packageName = side.file.package ?? '';
  return registry;
}

const SCALARS: Readonly<Record<string, string>> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
};

const MAP_TYPE = /^map<\s*([^,]+?)\s*,\s*(.+?)\s*>$/;

class Comparison {
  readonly changes: string[] = [];
  path: string[] = [];
  scope: string[] = [];

  constructor(
    readonly original: Registry,
    readonly update: Registry,
    readonly guard: Set<ProtoMessage>,
    readonly originalPackage: string,
    readonly updatePackage: string,
  ) {}

  emit(type: string): void {
    this.changes.push(`${type} #/${this.path.join('/')}`);
  }

  within<T>(segment: string | number, run: () => T, scoped = false): T {
    this.path.push(String(segment));
    if (scoped) this.scope.push(String(segment));
    try {
      return run();
    } finally {
      this.path.pop();
      if (scoped) this.scope.pop();
    }
  }

  resolve(name: string, side: 'original' | 'update'): [string, TypeInfo] | undefined {
    const registry = side === 'original' ? this.original : this.update;
    if (name.startsWith('.')) {
      const info = registry.types.get(name.slice(1));
      return info ? [name.slice(1), info] : undefined;
    }
    const packageName = side === 'original' ? this.originalPackage : this.updatePackage;
    const prefix = [...(packageName ? packageName.split('.') : []), ...this.scope];
    for (let n = prefix.length; n > 0; n--) {
      const candidate = `${prefix.slice(0, n).join('.')}.${name}`;
      const info = registry.types.get(candidate);
      if (info) return [candidate, info];
    }
    const bare = registry.types.get(name);
    return bare ? [name, bare] : undefined;
  }

  compareTypes(original: readonly ProtoType[], update: readonly ProtoType[]): void {
    const messages = (list: readonly ProtoType[]) =>
      list.filter((t): t is ProtoMessage => t.kind === 'message');
    const enums = (list: readonly ProtoType[]) => list.filter((t): t is ProtoEnum => t.kind === 'enum');
    const originalMessages = messages(original);
    const updateMessages = messages(update);
    const byName = <T extends ProtoType>(list: readonly T[]) => new Map(list.map((t) => [t.name, t]));
    const index = (list: readonly ProtoMessage[]) => new Map(list.map((t, i) => [t.name, i]));
    const oMessages = byName(originalMessages);
    const uMessages = byName(updateMessages);
    const oIndex = index(originalMessages);
    const uIndex = index(updateMessages);
    for (const name of javaUnionOrder(
      originalMessages.map((m) => m.name),
      updateMessages.map((m) => m.name),
    )) {
      this.within(
        name,
        () => {
          const o = oMessages.get(name);
          const u = uMessages.get(name);
          if (o && u) {
            this.compareMessage(o, u);
            if (oIndex.get(name) !== uIndex.get(name)) this.emit('MESSAGE_MOVED');
          } else if (o) {
            const info = this.resolve(name, 'original');
            if (info && !info[1].mapEntry) this.emit('MESSAGE_REMOVED');
          } else {
            const info = this.resolve(name, 'update');
            if (info && !info[1].mapEntry) this.emit('MESSAGE_ADDED');
          }
        },
        true,
      );
    }
    const oEnums = byName(enums(original));
    const uEnums = byName(enums(update));
    for (const name of javaUnionOrder([...oEnums.keys()], [...uEnums.keys()])) {
      this.within(
        name,
        () => {
          const o = oEnums.get(name);
          const u = uEnums.get(name);
          if (o && u) this.compareEnum(o, u);
          else this.emit(o ? 'ENUM_REMOVED' : 'ENUM_ADDED');
        },
        true,
      );
    }
  }

  compareEnum(original: ProtoEnum, update: ProtoEnum): void {
    const o = new Map(original.constants.map((c) => [c.number, c.name]));
    const u = new Map(update.constants.map((c) => [c.number, c.name]));
    for (const number of javaUnionOrder([...o.keys()], [...u.keys()])) {
      this.within(number, () => {
        if (!u.has(number)) this.emit('ENUM_CONST_REMOVED');
        else if (!o.has(number)) this.emit('ENUM_CONST_ADDED');
        else if (o.get(number) !== u.get(number)) this.emit('ENUM_CONST_CHANGED');
      });
    }
  }

  compareMessage(original: ProtoMessage, update: ProtoMessage): void {
    if (!this.guard.has(original)) {
      this.guard.add(original);
      try {
        this.compareFields(original, update);
      } finally {
        this.guard.delete(original);
      }
    }
    this.compareTypes(original.nested, update.nested);
  }

  private compareFields(original: ProtoMessage, update: ProtoMessage): void {
    const index = (message: ProtoMessage) => {
      const byNumber = new Map<number, ProtoField>();
      const oneofOf = new Map<number, string>();
      for (const f of message.fields) byNumber.set(f.number, f);
      for (const oneof of message.oneofs) {
        for (const f of oneof.fields) {
          byNumber.set(f.number, f);
          oneofOf.set(f.number, oneof.name);
        }
      }
      return { byNumber, oneofOf, oneofs: new Map(message.oneofs.map((o) => [o.name, o])) };
    };
    const o = index(original);
    const u = index(update);
    const deletedOneofs = new Set(
      original.oneofs
        .filter((oneof) => !u.oneofs.has(oneof.name) && oneof.fields.every((f) => !u.byNumber.has(f.number)))
        .map((oneof) => oneof.name),
    );
    for (const oneof of update.oneofs) {
      this.within(oneof.name, () => {
        const groups = new Set<string>();
        let movedFromTop = 0;
        for (const member of oneof.fields) {
          const fromOneof = o.oneofOf.get(member.number);
          if (fromOneof !== undefined) groups.add(`oneof:${fromOneof}`);
          else if (o.byNumber.has(member.number)) {
            groups.add(`field:${member.number}`);
            movedFromTop++;
          }
        }
        if (groups.size > 1)
          this.emit(movedFromTop > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF');
      });
    }
    const oneofNames = [...new Set([...o.oneofs.keys(), ...u.oneofs.keys()])].sort();
    for (const name of oneofNames) {
      this.within(name, () => {
        if (!u.oneofs.has(name)) this.emit('ONEOF_REMOVED');
        else if (!o.oneofs.has(name)) this.emit('ONEOF_ADDED');
      });
    }
    const numbers = [...new Set([...o.byNumber.keys(), ...u.byNumber.keys()])].sort((a, b) => a - b);
    for (const number of numbers) {
      const oField = o.byNumber.get(number);
      const uField = u.byNumber.get(number);
      const oOneof = o.oneofOf.get(number);
      const uOneof = u.oneofOf.get(number);
      if (oField && !uField) {
        if (oOneof !== undefined) {
          if (!deletedOneofs.has(oOneof))
            this.within(oOneof, () => this.within(number, () => this.emit('ONEOF_FIELD_REMOVED')));
        } else {
          this.within(number, () =>
            this.emit(oField.label === 'required' ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED'),
          );
        }
      } else if (uField && !oField) {
        if (uOneof !== undefined)
          this.within(uOneof, () => this.within(number, () => this.emit('ONEOF_FIELD_ADDED')));
        else
          this.within(number, () =>
            this.emit(uField.label === 'required' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED'),
          );
      } else if (oField && uField) {
        if (oOneof !== undefined && uOneof === undefined)
          this.within(number, () => this.emit('ONEOF_FIELD_MOVED_TO_TOP_LEVEL'));
        const compare = () => this.within(number, () => this.compareField(oField, uField));
        if (uOneof !== undefined) this.within(uOneof, compare);
        else compare();
      }
    }
  }

  private compareField(original: ProtoField, update: ProtoField): void {
    if (original.name !== update.name) this.emit('FIELD_NAME_CHANGED');
    this.compareFieldType(original.type, update.type, original.label, update.label);
  }

  private kindOf(
    type: string,
    side: 'original' | 'update',
  ): { kind: 'SCALAR' | 'MAP' | 'MESSAGE'; group?: string; map?: [string, string] } {
    const scalar = SCALARS[type];
    if (scalar) return { kind: 'SCALAR', group: scalar };
    const map = MAP_TYPE.exec(type);
    if (map) return { kind: 'MAP', map: [map[1] as string, map[2] as string] };
    const resolved = this.resolve(type, side);
    if (resolved?.[1].kind === 'enum') return { kind: 'SCALAR', group: 'GENERAL_NUMBER' };
    const element = resolved?.[1].element;
    if (resolved?.[1].mapEntry && element?.kind === 'message') {
      const key = element.fields.find((f) => f.name === 'key');
      const value = element.fields.find((f) => f.name === 'value');
      if (key && value) return { kind: 'MAP', map: [key.type, value.type] };
    }
    return { kind: 'MESSAGE' };
  }

  private compareFieldType(
    originalType: string,
    updateType: string,
    originalLabel: ProtoField['label'],
    updateLabel: ProtoField['label'],
  ): void {
    const o = this.kindOf(originalType, 'original');
    const u = this.kindOf(updateType, 'update');
    if (o.kind !== u.kind) {
      this.emit('FIELD_KIND_CHANGED');
      return;
    }
    if (o.kind === 'SCALAR') {
      if (o.group !== u.group) this.emit('FIELD_SCALAR_KIND_CHANGED');
      else if (originalLabel !== null && updateLabel !== null && originalLabel !== updateLabel) {
        this.emit(
          o.group === 'STRING_OR_BYTES'
            ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED'
            : 'FIELD_NUMERIC_LABEL_CHANGED',
        );
      }
      return;
    }
    if (o.kind === 'MAP') {
      const [oKey, oValue] = o.map as [string, string];
      const [uKey, uValue] = u.map as [string, string];
      this.compareFieldType(oKey, uKey, null, null);
      this.compareFieldType(oValue, uValue, null, null);
      return;
    }
    this.compareMessageReference(originalType, updateType);
  }

  private compareMessageReference(originalType: string, updateType: string): void {
    const o = this.resolve(originalType, 'original');
    const u = this.resolve(updateType, 'update');
    if (!o || !u) {
      if (originalType !== updateType) this.emit('FIELD_NAMED_TYPE_CHANGED');
      return;
    }
    const local = ([full, info]: [string, TypeInfo]) =>
      info.packageName ? full.slice(info.packageName.length + 1) : full;
    const oLocal = local(o);
    if (oLocal !== local(u)) {
      this.emit('FIELD_NAMED_TYPE_CHANGED');
      return;
    }
    const [oInfo, uInfo] = [o[1], u[1]];
    if (
      oInfo.origin &&
      uInfo.origin &&
      oInfo.origin.subject === uInfo.origin.subject &&
      oInfo.origin.version === uInfo.origin.version
    ) {
      return;
    }
    if (oInfo.element?.kind !== 'message' || uInfo.element?.kind !== 'message') return;
    const sub = new Comparison(this.original, this.update, this.guard, oInfo.packageName, uInfo.packageName);
    sub.path = oLocal.split('.');
    sub.scope = oLocal.split('.');
    sub.compareMessage(oInfo.element, uInfo.element);
    this.changes.push(...sub.changes);
    if (sub.changes.some((c) => !isCompatibleChange(c))) this.emit('FIELD_NAMED_TYPE_CHANGED');
  }
}

/**
 * Confluent's Protobuf schema diff: every change from `original` to `update`, each as `TYPE #/path`, in the
 * order Confluent reports them. The update can read the original's data when every change is compatible.
 */
export function protobufChanges(original: ProtoSide, update: ProtoSide): string[] {
  const comparison = new Comparison(
    buildRegistry(original),
    buildRegistry(update),
    new Set(),
    original.file.package ?? '',
    update.file.package ?? '',
  );
  if ((original.file.package ?? null) !== (update.file.package ?? null)) comparison.emit('PACKAGE_CHANGED');
  comparison.compareTypes(original.file.types, update.file.types);
  return comparison.changes;
}
