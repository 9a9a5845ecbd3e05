import { describe, expect, it } from 'vitest';
import { textTable } from './text-table.js';

describe('textTable', () => {
  it('aligns columns, shows NULL, and keeps every row on one line', () => {
    const table = textTable(
      ['id', 'note'],
      [
        [1, 'one'],
        [22, null],
        [3, 'line\nbreak\ttab'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'id | note',
      '---|----------------',
      '1  | one',
      '22 | NULL',
      '3  | line\\nbreak tab',
    ]);
  });

  it('cuts long cells at 80 characters', () => {
    const table = textTable(['v'], [['x'.repeat(500)]]);
    expect(table.split('\n')[2]).toBe(`${'x'.repeat(79)}…`);
  });
});
