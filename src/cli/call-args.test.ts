import { describe, expect, it } from 'vitest';
import { splitCallArgs } from './call-args.js';
import { UsageError } from './usage-error.js';

describe('splitCallArgs: rampart call <server> [server args…] <tool> [json]', () => {
  it('takes the JSON as optional, {} when left out', () => {
    expect(splitCallArgs('fs', ['.', 'read_text_file', '{"path":"a"}'])).toEqual({
      serverArgs: ['.'],
      tool: 'read_text_file',
      args: { path: 'a' },
    });
    expect(splitCallArgs('fs', ['.', 'list_allowed_directories'])).toEqual({
      serverArgs: ['.'],
      tool: 'list_allowed_directories',
      args: {},
    });
    expect(splitCallArgs('fs', ['a', 'b', 'directory_tree', ' {"path":"."}']).serverArgs).toEqual(['a', 'b']);
    expect(splitCallArgs('http', ['fetch', '{}'], 0)).toEqual({ serverArgs: [], tool: 'fetch', args: {} });
  });

  it('never takes a path, a URL or key=value for the tool, and says what it expected', () => {
    expect(() => splitCallArgs('fs', ['.', '{"path":"a"}'])).toThrow(
      /expected a tool name \(snake_case\) before the JSON arguments but got "\."/,
    );
    expect(() => splitCallArgs('fs', ['.', 'read_text_file', 'path=a'])).toThrow(
      /expected a tool name .* but got "path=a"/,
    );
    expect(() => splitCallArgs('fs', ['{"path":"a"}'])).toThrow(/call fs needs a tool name/);
    expect(() => splitCallArgs('fs', [])).toThrow(UsageError);
  });

  it('names the tool when its JSON is broken or not an object', () => {
    expect(() => splitCallArgs('fs', ['.', 'read_text_file', '{path'])).toThrow(
      'the arguments for read_text_file are not valid JSON: {path',
    );
    expect(() => splitCallArgs('fs', ['.', 'read_text_file', '[1]'])).toThrow(/must be a JSON object/);
  });

  it('refuses more server arguments than the server takes', () => {
    expect(() => splitCallArgs('db', ['sqlite:a.db', 'extra', 'list_tables'], 1)).toThrow(
      'db takes at most 1 argument before the tool name, but got "sqlite:a.db", "extra"',
    );
    expect(() => splitCallArgs('registry', ['x', 'list_subjects'], 0)).toThrow(/registry takes no arguments/);
  });
});
