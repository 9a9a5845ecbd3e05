import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/servers/krakend/flexible/template/errors.js';
import { Renderer, type Sources } from '../../src/servers/krakend/flexible/template/exec.js';
import { MAX_NESTING, parseTemplate } from '../../src/servers/krakend/flexible/template/parser.js';
import { fuzzRuns } from './budget.js';

const FILE = 'krakend.tmpl';

/** Sub-templates and partials by name; `self.tmpl` renders itself, for unbounded recursion. */
const SOURCES: Sources = {
  async template(name) {
    if (name === 'self.tmpl')
      return { nodes: parseTemplate('{{ template "self.tmpl" . }}', name), file: name };
    if (name === 'endpoint.tmpl') return { nodes: parseTemplate('"{{ .path }}"', name), file: name };
    throw new TemplateError(FILE, 1, `template "${name}" not found`);
  },
  async partial(name) {
    if (name === 'host.txt') return { text: '"http://a"', file: name };
    throw new TemplateError(FILE, 1, `partial "${name}" not found`);
  },
};

async function render(source: string, data: unknown = {}, missingKey: 'invalid' | 'error' = 'invalid') {
  const renderer = new Renderer(SOURCES, { missingKey, maxOutputBytes: 1 << 20 });
  await renderer.render(parseTemplate(source, FILE), FILE, data);
  return renderer.text;
}

async function refusal(source: string, data: unknown = {}): Promise<TemplateError> {
  try {
    await render(source, data);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`rendered without an error: ${source}`);
}

describe('the Flexible Configuration template engine', () => {
  it('renders text, trim markers, comments, conditions, ranges, variables and sub-templates as Go does', async () => {
    const data = { port: 8080, ratio: 1_000_000.5, hosts: ['a', 'b'], on: true, name: 'api' };
    expect(await render('{"port": {{ .port }}}', data)).toBe('{"port": 8080}');
    expect(await render('a  {{- /* gone */ -}}  b')).toBe('ab');
    expect(await render('{{ if .on }}yes{{ else }}no{{ end }}', data)).toBe('yes');
    expect(await render('{{ if not .on }}1{{ else if eq .name "api" }}2{{ else }}3{{ end }}', data)).toBe(
      '2',
    );
    expect(await render('{{ range $i, $h := .hosts }}{{ if $i }},{{ end }}"{{ $h }}"{{ end }}', data)).toBe(
      '"a","b"',
    );
    expect(await render('{{ $x := .name }}{{ with .port }}{{ $x }}:{{ . }}{{ end }}', data)).toBe('api:8080');
    expect(await render('{{ template "endpoint.tmpl" . }}', { path: '/users' })).toBe('"/users"');
    expect(await render('[{{ include "host.txt" }}]')).toBe('["http://a"]');
    expect(await render('{{ .ratio }}', data)).toBe('1.0000005e+06');
    expect(await render('{{ .missing }}', data)).toBe('<no value>');
  });

  it('names the file and line of a template error', async () => {
    const error = await refusal('{\n  "a": 1,\n  "b": {{ .x.y }}\n}', { x: 3 });
    expect(error).toMatchObject({ file: FILE, line: 3 });
    expect(error.message).toMatch(/^krakend\.tmpl:3: can't evaluate field y in type float64/);
    await expect(render('{\n{{ .nope }}', {}, 'error')).rejects.toMatchObject({ line: 2 });
  });

  it('refuses an unsupported construct by name instead of rendering it differently', async () => {
    expect((await refusal('{{ define "x" }}{{ end }}')).reason).toBe(
      '{{define}} (named templates inside a file) is not part of the template subset Rampart renders',
    );
    expect((await refusal('{{ block "x" . }}{{ end }}')).reason).toMatch(/^\{\{block\}\} is not part/);
    expect((await refusal('\n{{ now }}')).reason).toMatch(/^function "now" is not one Rampart renders/);
    expect((await refusal('{{ break }}')).reason).toBe('{{break}} outside a {{range}}');
  });

  it('bounds hostile nesting: blocks, parentheses and a template that renders itself', async () => {
    const deep = 100_000;
    const blocks = await refusal(`${'{{ if true }}'.repeat(deep)}x${'{{ end }}'.repeat(deep)}`);
    expect(blocks.reason).toBe(`blocks nest more than ${MAX_NESTING} deep`);
    const parens = await refusal(`{{ ${'('.repeat(deep)}1${')'.repeat(deep)} }}`);
    expect(parens.reason).toBe(`parentheses nest more than ${MAX_NESTING} deep`);
    expect((await refusal('{{ template "self.tmpl" . }}')).reason).toMatch(
      /templates nest more than 64 deep/,
    );
    // At the bound itself it still renders.
    expect(await render(`${'{{ if true }}'.repeat(MAX_NESTING)}x${'{{ end }}'.repeat(MAX_NESTING)}`)).toBe(
      'x',
    );
    // A loop that never ends is stopped by the step budget.
    const loop = await refusal('{{ range $.a }}{{ range $.a }}{{ range $.a }}.{{ end }}{{ end }}{{ end }}', {
      a: Array.from({ length: 200 }, (_, i) => i),
    });
    expect(loop.reason).toMatch(/runs too long|over the \d+-byte limit/);
  }, 30_000);
});

/** Fragments that make templates: real actions, broken ones, nesting, and plain text with newlines. */
const fragment = fc.oneof(
  fc.constantFrom(
    '{{',
    '}}',
    '{{-',
    '-}}',
    '{{ end }}',
    '{{ else }}',
    '{{ if .a }}',
    '{{ range $i, $v := .list }}',
    '{{ with .m }}',
    '{{ break }}',
    '{{ template "endpoint.tmpl" . }}',
    '{{ template "self.tmpl" . }}',
    '{{ include "host.txt" }}',
    '{{ include "missing" }}',
    '{{ .a.b.c }}',
    '{{ $x := 1 }}',
    '{{ $x }}',
    '{{ len .list }}',
    '{{ index .list 5 }}',
    '{{ div 1 0 }}',
    '{{ printf "%d" .a }}',
    '{{ toJson .m }}',
    '{{ define "x" }}',
    '{{ (((1))) }}',
    '{{ "unterminated }}',
    '{{ /* c */ }}',
    '{{/* open',
    '(',
    ')',
    '|',
    '"',
    '`',
    '\n',
  ),
  fc.string({ maxLength: 8 }),
);

describe('the template engine on generated input', () => {
  it('only ever fails with its own template error, naming the file and a line inside it, and always finishes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { maxLength: 40 }), async (parts) => {
        const source = parts.join('');
        const lines = source.split('\n').length;
        const started = performance.now();
        try {
          await render(source, { a: 1, list: [1, 2], m: { k: 'v' } });
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          expect([FILE, 'self.tmpl', 'endpoint.tmpl']).toContain(error.file);
          expect(error.line).toBeGreaterThanOrEqual(1);
          if (error.file === FILE) expect(error.line).toBeLessThanOrEqual(lines);
          expect(error.message).not.toContain('\n    at ');
        }
        expect(performance.now() - started).toBeLessThan(2_000);
      }),
      { numRuns: fuzzRuns(300) },
    );
  }, 120_000);
});
