/**
 * A JSON Schema as Confluent's diff sees it (the everit library's model): each document becomes one node, and
 * an object with keywords of several kinds becomes an allOf of one node per kind.
 */
export interface Common {
  readonly id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly hasDefault: boolean;
}

export type Node =
  | ({ readonly kind: 'empty' } & Common)
  | ({ readonly kind: 'true' } & Common)
  | ({ readonly kind: 'false' } & Common)
  | ({ readonly kind: 'boolean' } & Common)
  | ({ readonly kind: 'null' } & Common)
  | ({ readonly kind: 'conditional' } & Common)
  | ObjectNode
  | ArrayNode
  | StringNode
  | NumberNode
  | ({ readonly kind: 'enum'; readonly values: readonly unknown[] } & Common)
  | ({ readonly kind: 'const'; readonly value: unknown } & Common)
  | CombinedNode
  | ({ readonly kind: 'not'; readonly mustNotMatch: Node } & Common)
  | RefNode;

export interface ObjectNode extends Common {
  readonly kind: 'object';
  /** Properties in document order. */
  readonly properties: ReadonlyMap<string, Node>;
  readonly required: readonly string[];
  readonly permitsAdditional: boolean;
  readonly additionalSchema: Node | null;
  readonly patternProperties: readonly [RegExp, Node][];
  readonly propertyDependencies: ReadonlyMap<string, readonly string[]>;
  readonly schemaDependencies: ReadonlyMap<string, Node>;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  /** `unevaluatedProperties` (2019-09 and later): null when absent. */
  readonly unevaluated: Node | null;
}

export interface ArrayNode extends Common {
  readonly kind: 'array';
  readonly allItems: Node | null;
  readonly tuple: readonly Node[] | null;
  readonly permitsAdditionalItems: boolean;
  readonly additionalItemsSchema: Node | null;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems: boolean;
  /** `unevaluatedItems` (2019-09 and later): null when absent. */
  readonly unevaluated: Node | null;
  readonly minContains?: number;
  readonly maxContains?: number;
}

export interface StringNode extends Common {
  readonly kind: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

export interface NumberNode extends Common {
  readonly kind: 'number';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly integer: boolean;
}

export interface CombinedNode extends Common {
  readonly kind: 'combined';
  readonly criterion: 'allOf' | 'anyOf' | 'oneOf';
  readonly subschemas: readonly Node[];
  /** The subschemas' JSON, for telling duplicates apart. */
  readonly raw: readonly unknown[];
}

export interface RefNode extends Common {
  readonly kind: 'ref';
  /** The `$ref` as written. */
  readonly ref: string;
  resolve(): Node | undefined;
}

/** The nodes `node` holds directly, a `$ref`'s target included. */
export function childrenOf(node: Node): Node[] {
  switch (node.kind) {
    case 'object':
      return [
        ...node.properties.values(),
        ...node.patternProperties.map(([, schema]) => schema),
        ...node.schemaDependencies.values(),
        ...present(node.additionalSchema, node.unevaluated),
      ];
    case 'array':
      return [...present(node.allItems, node.additionalItemsSchema, node.unevaluated), ...(node.tuple ?? [])];
    case 'combined':
      return [...node.subschemas];
    case 'not':
      return [node.mustNotMatch];
    case 'ref':
      return present(node.resolve() ?? null);
    default:
      return [];
  }
}

const present = (...nodes: (Node | null)[]): Node[] => nodes.filter((n): n is Node => n !== null);
