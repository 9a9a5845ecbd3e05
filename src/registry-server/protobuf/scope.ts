import type { MessageElement, ProtoFileElement, TypeElement } from './ast.js';
import { BUILTIN_FILES } from './builtins.js';

/** A schema that parses but does not hold together: an unknown import, an undefined type, a clash. */
export class ProtoSchemaError extends Error {
  override readonly name = 'ProtoSchemaError';
}

export interface TypeSymbol {
  /** Without a leading dot: `pkg.Outer.Inner`. */
  readonly fullName: string;
  readonly kind: 'message' | 'enum';
  /** The declaring file: '' for the schema itself, else its import path. */
  readonly file: string;
  /** The declaration, for types of the schema and of its references (not for built-in ones). */
  readonly element?: TypeElement;
  readonly mapEntry: boolean;
}

export const isMapEntry = (message: MessageElement) =>
  message.options.some((o) => o.name === 'map_entry' && o.value.kind === 'bool' && o.value.value);

/** The full name of a package-level or nested declaration, as scope parts. */
export const scopeOf = (file: ProtoFileElement): string[] => (file.package ? file.package.split('.') : []);

/**
 * Every type a schema can name: its own, its references' (by import path) and the built-in ones, with
 * protobuf's scoping rules for relative names.
 */
export class ProtoScope {
  readonly types = new Map<string, TypeSymbol>();

  constructor(
    readonly file: ProtoFileElement,
    readonly dependencies: ReadonlyMap<string, ProtoFileElement> = new Map(),
  ) {
    this.declare(file.types, scopeOf(file), '', true);
    for (const [path, dependency] of dependencies)
      this.declare(dependency.types, scopeOf(dependency), path, false);
    for (const [path, builtin] of BUILTIN_FILES) {
      for (const [name, kind] of Object.entries(builtin.types)) {
        const fullName = `${builtin.package}.${name}`;
        if (!this.types.has(fullName))
          this.types.set(fullName, { fullName, kind, file: path, mapEntry: false });
      }
    }
  }

  private declare(
    types: readonly TypeElement[],
    scope: readonly string[],
    file: string,
    strict: boolean,
  ): void {
    for (const type of types) {
      const fullName = [...scope, type.name].join('.');
      if (this.types.has(fullName)) {
        if (strict) throw new ProtoSchemaError(`"${fullName}" is declared twice`);
        continue;
      }
      this.types.set(fullName, {
        fullName,
        kind: type.kind,
        file,
        element: type,
        mapEntry: type.kind === 'message' && isMapEntry(type),
      });
      if (type.kind === 'message') {
        const inner = [...scope, type.name];
        this.declare(type.nested, inner, file, strict);
        this.declare(
          type.groups.map((g) => g.message),
          inner,
          file,
          strict,
        );
        for (const oneof of type.oneofs)
          this.declare(
            oneof.groups.map((g) => g.message),
            inner,
            file,
            strict,
          );
      }
    }
  }

  /** The type a name written inside `scope` (package and enclosing messages) refers to. */
  resolve(name: string, scope: readonly string[]): TypeSymbol | undefined {
    if (name.startsWith('.')) return this.types.get(name.slice(1));
    for (let n = scope.length; n >= 0; n--) {
      const candidate = n === 0 ? name : `${scope.slice(0, n).join('.')}.${name}`;
      const found = this.types.get(candidate);
      if (found) return found;
    }
    return undefined;
  }
}
