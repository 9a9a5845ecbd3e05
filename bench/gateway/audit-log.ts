import { existsSync, readFileSync } from 'node:fs';

/** Records in a JSONL audit log (one a line); 0 when the file does not exist yet. */
export function auditLines(file: string): number {
  if (!existsSync(file)) return 0;
  let lines = 0;
  const text = readFileSync(file);
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) lines++;
  return lines;
}
