import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
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

describeWithFixtures('registry', "Confluent's compatibility vectors", () => {
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
