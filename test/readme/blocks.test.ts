import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/mcp.js';
import { checkedBlocks } from './blocks.js';

describe('the README blocks the fresh-clone check runs', () => {
  it('reads commands, joined continuations and the exit status a comment names', () => {
    const blocks = checkedBlocks(
      [
        'text',
        '<!-- readme-check run: why -->',
        '',
        '```sh',
        '# a comment line',
        'npx rampart tools fs .',
        'npx rampart call fs . read_text_file \\',
        `  '{"path": "/etc/passwd"}'   # refused (exit 1)`,
        '```',
        '```sh',
        'not checked',
        '```',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      {
        mode: 'run',
        line: 4,
        commands: [
          { text: 'npx rampart tools fs .', exit: 0, line: 6 },
          {
            text: `npx rampart call fs . read_text_file '{"path": "/etc/passwd"}'   # refused (exit 1)`,
            exit: 1,
            line: 7,
          },
        ],
      },
    ]);
    expect(() => checkedBlocks('<!-- readme-check run -->\nno block')).toThrow(
      /not followed by a code block/,
    );
  });

  it('finds the set-up block with npm start and the quick start, with the refused read expected to exit 1', () => {
    const blocks = checkedBlocks(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
    const serve = blocks.filter((b) => b.mode === 'serve');
    expect(serve.flatMap((b) => b.commands.map((c) => c.text))).toContain('npm install && npm start');
    const run = blocks.filter((b) => b.mode === 'run').flatMap((b) => b.commands);
    expect(run.map((c) => c.text)).toContain('npx rampart tools fs .');
    expect(run.find((c) => c.text.includes('/etc/passwd'))?.exit).toBe(1);
    expect(run.filter((c) => c.exit !== 0)).toHaveLength(1);
  });
});
