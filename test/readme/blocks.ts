/**
 * The README's checked code blocks. A block is checked when an HTML comment starting `<!-- readme-check serve`
 * or `<!-- readme-check run` comes before it (blank lines may sit between): `run` runs every command of the block
 * from the clone's root; `serve` starts the block's `npm start` command, probes it and stops it, and runs no other
 * line of the block.
 */
export type CheckMode = 'serve' | 'run';

export interface ReadmeCommand {
  /** The shell text, continuation lines joined, its trailing comment kept (the shell ignores it). */
  readonly text: string;
  /** The exit status the README implies: 0, or N when the line's comment says "(exit N)". */
  readonly exit: number;
  /** 1-based line in the README. */
  readonly line: number;
}

export interface CheckedBlock {
  readonly mode: CheckMode;
  readonly line: number;
  readonly commands: readonly ReadmeCommand[];
}

const MARKER = /^<!-- readme-check (serve|run)\b/;
const FENCE = /^```/;

function commandsOf(lines: readonly string[], firstLine: number): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const text = raw.trim();
    if (!pending && (text === '' || text.startsWith('#'))) return;
    const joined = pending ? `${pending.text} ${text}` : text;
    const line = pending?.line ?? firstLine + index;
    if (joined.endsWith('\\')) {
      pending = { text: joined.slice(0, -1).trimEnd(), line };
      return;
    }
    pending = undefined;
    const exit = /#.*\(exit (\d+)\)/.exec(joined)?.[1];
    commands.push({ text: joined, exit: exit === undefined ? 0 : Number(exit), line });
  });
  if (pending) throw new Error(`README line ${pending.line}: a command ends with a continuation backslash`);
  return commands;
}

/** Every checked block of the README, in order; a marker without a code block after it is an error. */
export function checkedBlocks(markdown: string): CheckedBlock[] {
  const lines = markdown.split('\n');
  const blocks: CheckedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const mode = MARKER.exec(lines[i] ?? '')?.[1] as CheckMode | undefined;
    if (!mode) continue;
    let open = i + 1;
    while (open < lines.length && (lines[open] ?? '').trim() === '') open++;
    if (!FENCE.test(lines[open] ?? ''))
      throw new Error(`README line ${i + 1}: readme-check is not followed by a code block`);
    const close = lines.findIndex((line, at) => at > open && FENCE.test(line));
    if (close === -1) throw new Error(`README line ${open + 1}: the code block is never closed`);
    blocks.push({ mode, line: open + 1, commands: commandsOf(lines.slice(open + 1, close), open + 2) });
    i = close;
  }
  return blocks;
}
