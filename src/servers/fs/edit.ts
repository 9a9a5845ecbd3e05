import { Refusal } from '../../core/errors.js';

export interface Edit {
  readonly oldText: string;
  readonly newText: string;
}

function leadingWhitespace(line: string): string {
  return /^\s*/.exec(line)?.[0] ?? '';
}

function findAll(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = haystack.indexOf(needle); i !== -1 && found.length < 2; i = haystack.indexOf(needle, i + 1))
    found.push(i);
  return found;
}

/** Where a block of lines matches when leading and trailing whitespace of each line is ignored. */
function findLoose(lines: readonly string[], wanted: readonly string[]): number[] {
  const trimmed = wanted.map((line) => line.trim());
  const found: number[] = [];
  for (let i = 0; i + trimmed.length <= lines.length && found.length < 2; i++) {
    if (trimmed.every((want, j) => (lines[i + j] as string).trim() === want)) found.push(i);
  }
  return found;
}

/** Re-indents replacement lines so they keep the matched block's indentation and their own relative indent. */
function reindent(
  matched: readonly string[],
  oldLines: readonly string[],
  newLines: readonly string[],
): string[] {
  const baseIndent = leadingWhitespace(matched[0] ?? '');
  const oldBase = leadingWhitespace(oldLines[0] ?? '');
  return newLines.map((line) => {
    if (line.trim() === '') return line;
    const own = leadingWhitespace(line);
    const relative = own.startsWith(oldBase) ? own.slice(oldBase.length) : own;
    return baseIndent + relative + line.trimStart();
  });
}

/**
 * Applies edits in order. Each oldText must match exactly one place: exactly as written, or else line by
 * line ignoring indentation and trailing spaces. Line endings are matched as LF and written back as the
 * file had them (a file mixing CRLF and LF is matched as it is). Throws a Refusal naming the edit when one
 * does not match or matches more than once.
 */
export function applyEdits(original: string, edits: readonly Edit[], file: string): string {
  // A file with only CRLF line ends is edited as LF and written back as CRLF. A file that mixes CRLF with
  // bare LF is edited as it is, so that lines outside the edits keep the endings they had.
  const hasCrlf = original.includes('\r\n');
  const mixed = hasCrlf && /(^|[^\r])\n/.test(original);
  const crlf = hasCrlf && !mixed;
  const normalize = (value: string) => (mixed ? value : value.replace(/\r\n/g, '\n'));
  let text = crlf ? original.replace(/\r\n/g, '\n') : original;
  edits.forEach((edit, index) => {
    const where = `edits[${index}]`;
    const oldText = normalize(edit.oldText);
    const newText = normalize(edit.newText);
    if (oldText.length === 0) throw new Refusal(`${where}.oldText is empty`);
    const exact = findAll(text, oldText);
    if (exact.length > 1) {
      throw new Refusal(
        `${where}.oldText matches more than one place in "${file}"; include more surrounding lines`,
      );
    }
    if (exact.length === 1) {
      const at = exact[0] as number;
      text = text.slice(0, at) + newText + text.slice(at + oldText.length);
      return;
    }
    const lines = text.split('\n');
    const oldLines = oldText.split('\n');
    const loose = findLoose(lines, oldLines);
    if (loose.length === 0)
      throw new Refusal(`${where}.oldText was not found in "${file}", even ignoring indentation`);
    if (loose.length > 1) {
      throw new Refusal(
        `${where}.oldText matches more than one place in "${file}" (ignoring indentation); include more lines`,
      );
    }
    const at = loose[0] as number;
    const matched = lines.slice(at, at + oldLines.length);
    lines.splice(at, oldLines.length, ...reindent(matched, oldLines, newText.split('\n')));
    text = lines.join('\n');
  });
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** A git-style unified diff, fenced so that backticks inside it cannot end the fence. */
export async function fencedDiff(file: string, before: string, after: string): Promise<string> {
  // Loaded on first edit: start-up time matters more than the first diff.
  const { createTwoFilesPatch } = await import('diff');
  const diff = createTwoFilesPatch(
    file,
    file,
    before.replace(/\r\n/g, '\n'),
    after.replace(/\r\n/g, '\n'),
    'original',
    'modified',
  );
  let fence = '```';
  while (diff.includes(fence)) fence += '`';
  return `${fence}diff\n${diff}${fence}\n\n`;
}
