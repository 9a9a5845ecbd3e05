import { describe, expect, it } from 'vitest';
import { diffCounts, schemaText, sideBySide } from '../../console/src/registry-diff.js';

describe("the registry page's side-by-side diff", () => {
  it('pairs a changed line with its replacement on one row, numbering each side on its own', () => {
    const rows = sideBySide('a\nb\nc', 'a\nB\nc');
    expect(rows).toEqual([
      { kind: 'same', left: { number: 1, text: 'a' }, right: { number: 1, text: 'a' } },
      { kind: 'changed', left: { number: 2, text: 'b' }, right: { number: 2, text: 'B' } },
      { kind: 'same', left: { number: 3, text: 'c' }, right: { number: 3, text: 'c' } },
    ]);
    expect(diffCounts(rows)).toEqual({ removed: 1, added: 1 });
  });

  it('puts lines only the newer version has on the right alone, and lines it dropped on the left alone', () => {
    const added = sideBySide('a\nc', 'a\nb1\nb2\nc');
    expect(added.map((r) => [r.kind, r.left?.number, r.right?.number])).toEqual([
      ['same', 1, 1],
      ['added', undefined, 2],
      ['added', undefined, 3],
      ['same', 2, 4],
    ]);
    const removed = sideBySide('a\nb\nc', 'a\nc');
    expect(removed.map((r) => [r.kind, r.left?.text, r.right?.text])).toEqual([
      ['same', 'a', 'a'],
      ['removed', 'b', undefined],
      ['same', 'c', 'c'],
    ]);
  });

  it('pairs the shorter run of a replacement and lets the longer one go on alone', () => {
    const rows = sideBySide('x\nold1\nold2\ny', 'x\nnew1\ny');
    expect(rows.map((r) => [r.kind, r.left?.text, r.right?.text])).toEqual([
      ['same', 'x', 'x'],
      ['changed', 'old1', 'new1'],
      ['removed', 'old2', undefined],
      ['same', 'y', 'y'],
    ]);
    expect(diffCounts(rows)).toEqual({ removed: 2, added: 1 });
  });

  it('does not call a last line changed because only one side ends with a newline', () => {
    expect(sideBySide('a\nb', 'a\nb\n').every((r) => r.kind === 'same')).toBe(true);
    expect(sideBySide('', '')).toEqual([]);
  });

  it('re-indents Avro and JSON Schema text, and leaves Protobuf and text that is not JSON as they are', () => {
    expect(schemaText('{"type":"record","name":"A","fields":[]}', 'AVRO')).toBe(
      '{\n  "type": "record",\n  "name": "A",\n  "fields": []\n}',
    );
    expect(schemaText('{"type":"object"}', 'JSON')).toBe('{\n  "type": "object"\n}');
    const proto = 'syntax = "proto3";\nmessage A {\n  string x = 1;\n}\n';
    expect(schemaText(proto, 'PROTOBUF')).toBe(proto);
    expect(schemaText('"string"', 'AVRO')).toBe('"string"');
    expect(schemaText('{not json', 'JSON')).toBe('{not json');
  });
});
