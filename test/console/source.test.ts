import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE = path.resolve(import.meta.dirname, '../../console/src');

/** What turns a string into markup or code; React's escaping is only a guarantee where none of it is used. */
const SINKS =
  /dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|localStorage|sessionStorage|document\.cookie/;

describe('console source', () => {
  it('XSS: never sets HTML from a string, evaluates code, or keeps anything in web storage or JS cookies', () => {
    const files = readdirSync(SOURCE, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${path.relative(SOURCE, file)}:${i + 1}`, line }))
        .filter(({ line }) => !/^\s*(?:\/\/|\/?\*)/.test(line) && SINKS.test(line)),
    );
    expect(found).toEqual([]);
  });
});
