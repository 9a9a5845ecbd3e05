import type { Segment } from './template/exec.js';

/** Rendered text with, for every stretch of it, the file and line it came from. */
export interface MappedText {
  readonly text: string;
  readonly segments: readonly Segment[];
}

/** The template file and line that produced the character at `offset` of the rendered text. */
export function locate(mapped: MappedText, offset: number): { file: string; line: number } | undefined {
  let low = 0;
  let high = mapped.segments.length - 1;
  let found: Segment | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const segment = mapped.segments[mid] as Segment;
    if (segment.start <= offset) {
      found = segment;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (!found) return undefined;
  if (!found.verbatim) return { file: found.file, line: found.line };
  let line = found.line;
  for (let i = found.start; i < offset && i < mapped.text.length; i++)
    if (mapped.text.charCodeAt(i) === 10) line++;
  return { file: found.file, line };
}

/** Replaces text[start, end) with a file's own text, keeping every other stretch mapped where it was. */
export function splice(
  mapped: MappedText,
  start: number,
  end: number,
  insert: { text: string; file: string },
): MappedText {
  const delta = insert.text.length - (end - start);
  const before = mapped.segments.filter((s) => s.start < start);
  const tail = locate(mapped, end);
  const after = mapped.segments.filter((s) => s.start > end).map((s) => ({ ...s, start: s.start + delta }));
  const resumed: Segment[] =
    tail && end < mapped.text.length && !mapped.segments.some((s) => s.start === end)
      ? [{ start: end + delta, file: tail.file, line: tail.line, verbatim: true }]
      : mapped.segments.filter((s) => s.start === end).map((s) => ({ ...s, start: s.start + delta }));
  return {
    text: mapped.text.slice(0, start) + insert.text + mapped.text.slice(end),
    segments: [...before, { start, file: insert.file, line: 1, verbatim: true }, ...resumed, ...after],
  };
}
