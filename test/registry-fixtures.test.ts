import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { isCompatibleJsonChange, jsonSchemaChanges } from '../src/registry-server/jsonschema/diff.js';
import { loadSchema } from '../src/registry-server/jsonschema/loader.js';
import { isCompatibleChange, type ProtoSide, protobufChanges } from '../src/registry-server/protobuf/diff.js';
import { parseProto } from '../src/registry-server/protobuf/parser.js';
import { describeWithFixtures, fixture } from './helpers/fixtures.js';

interface ProtobufVector {
  description: string;
  original_schema: string;
  update_schema: string;
  original_dependencies?: { name: string; dependency: string }[];
  update_dependencies?: { name: string; dependency: string }[];
  original_references?: { name: string; subject: string; version: number }[];
  update_references?: { name: string; subject: string; version: number }[];
  changes: string[];
  compatible: boolean;
}

function side(
  schema: string,
  dependencies: ProtobufVector['original_dependencies'],
  references: ProtobufVector['original_references'],
): ProtoSide {
  return {
    file: parseProto(schema),
    dependencies: new Map((dependencies ?? []).map((d) => [d.name, parseProto(d.dependency)])),
    references: references ?? [],
  };
}

interface JsonVector {
  description: string;
  original_schema: unknown;
  update_schema: unknown;
  original_metadata?: unknown;
  update_metadata?: unknown;
  changes: string[];
  compatible: boolean;
}

describeWithFixtures('registry', "Confluent's compatibility vectors", () => {
  it.each(['diff-schema-examples.json', 'diff-combined-schema-examples.json'])(
    "gives every JSON Schema vector in %s Confluent's changes, in order, and verdict",
    (file) => {
      const vectors = JSON.parse(
        readFileSync(fixture('registry', 'jsonschema', file), 'utf8'),
      ) as JsonVector[];
      expect(vectors.length).toBeGreaterThan(20);
      const failures: string[] = [];
      for (const [i, v] of vectors.entries()) {
        const metadata =
          v.original_metadata || v.update_metadata
            ? { original: v.original_metadata, update: v.update_metadata }
            : undefined;
        const changes = jsonSchemaChanges(
          loadSchema(v.original_schema),
          loadSchema(v.update_schema),
          metadata,
        );
        const compatible = changes.every(isCompatibleJsonChange);
        if (JSON.stringify(changes) !== JSON.stringify(v.changes) || compatible !== v.compatible) {
          failures.push(`${i} ${v.description}: got ${JSON.stringify(changes)} ${compatible}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it("gives every Protobuf vector Confluent's changes, in order, and verdict", () => {
    const vectors = JSON.parse(
      readFileSync(fixture('registry', 'protobuf', 'diff-schema-examples.json'), 'utf8'),
    ) as ProtobufVector[];
    expect(vectors.length).toBe(54);
    const failures: string[] = [];
    for (const [i, v] of vectors.entries()) {
      const changes = protobufChanges(
        side(v.original_schema, v.original_dependencies, v.original_references),
        side(v.update_schema, v.update_dependencies, v.update_references),
      );
      const compatible = changes.every(isCompatibleChange);
      if (JSON.stringify(changes) !== JSON.stringify(v.changes) || compatible !== v.compatible) {
        failures.push(`${i} ${v.description}: got ${JSON.stringify(changes)} ${compatible}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
