import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithFixtures, fixture } from './helpers/fixtures.js';
import { writeSyntheticSchemas } from './helpers/krakend-schemas.js';
import { connectKrakend, type Session, type TextResult } from './helpers/mcp.js';

interface Report {
  valid: boolean;
  errors: {
    code: string;
    pointer: string;
    message: string;
    template_file?: string;
    template_line?: number;
  }[];
  flexible_configuration?: {
    rendered: boolean;
    edition?: string;
    settings_files?: string[];
    notes?: string[];
  };
}

interface Audited {
  findings: { rule: string; pointer: string; line: number; template_file?: string; template_line?: number }[];
  flexible_configuration?: { edition: string; settings_files: string[] };
}

let base: string;

function write(root: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

function report(result: TextResult): Report {
  expect(result.isError, result.text).toBe(false);
  return result.structured as unknown as Report;
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-krakend-flexible-')));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('Flexible Configuration rendered by Rampart (our own examples)', () => {
  let session: Session;
  let ce: string;
  let ee: string;

  beforeAll(async () => {
    ce = write(path.join(base, 'ce'), {
      'krakend.tmpl': [
        '{',
        '  "$schema": "https://www.krakend.io/schema/v2.2/krakend.json",',
        '  "version": 3,',
        '  "port": "{{ .service.port }}",',
        '  "endpoints": [',
        '    {{- range $i, $e := .service.endpoints }}{{ if $i }},{{ end }}',
        '    {{ template "endpoint.tmpl" $e }}',
        '    {{- end }}',
        '  ]',
        '}',
      ].join('\n'),
      'settings/service.json': '{"port": 8080, "endpoints": [{"path": "/a"}, {"path": "/b"}]}',
      'templates/endpoint.tmpl':
        '{\n  "endpoint": "{{ .path }}",\n  "backend": [{ "host": ["http://x"], "url_pattern": "{{ .path }}" }]\n}',
      'broken.tmpl': '{\n  "version": 3,\n  "endpoints": [{{ template "bad.tmpl" . }}]\n}',
      'templates/bad.tmpl': '{\n  "endpoint": "/now",\n  "when": "{{ now }}"\n}',
      'escape.tmpl': '{ "version": 3, "x": {{ include "../../../etc/passwd" }} }',
      'partials/.keep': '',
      'audit.tmpl': '{\n  "version": 3,\n  "endpoints": [{{ template "write.tmpl" . }}]\n}',
      'templates/write.tmpl': [
        '{',
        '  "endpoint": "/w",',
        '  "method": "POST",',
        '  "backend": [',
        '    { "host": ["http://a"], "url_pattern": "/a" },',
        '    { "host": ["http://b"], "url_pattern": "/b" }',
        '  ]',
        '}',
      ].join('\n'),
    });
    ee = write(path.join(base, 'ee'), {
      'flexible_config.json': JSON.stringify({
        settings: { paths: ['settings'] },
        partials: { paths: ['partials'] },
        templates: { paths: ['templates'] },
      }),
      'krakend.tmpl': [
        '{',
        '  "$schema": "https://www.krakend.io/schema/v2.2/krakend.json",',
        '  "version": 3,',
        '  "port": {{ .prod.service.port }},',
        '  "extra_config": { "$ref": "./service/extra_config.json" },',
        '  "endpoints": [{{ template "endpoints/users.tmpl" .prod }}]',
        '}',
      ].join('\n'),
      'settings/prod/service.yaml': 'port: 8080\nusers_host: http://users\n',
      'templates/endpoints/users.tmpl':
        '{ "endpoint": "/users", "backend": [{ "host": [ {{ include "host.txt" }} ], "url_pattern": "/u" }] }',
      'partials/host.txt': '"{{ not evaluated }}"',
      'service/extra_config.json':
        '{\n  "security/cors": { "allow_origins": ["*"] },\n  "auth/api-keys": {}\n}',
      'undefined.tmpl': '{\n  "version": 3,\n  "port": {{ .prod.service.nope }}\n}',
    });
    session = await connectKrakend({
      roots: [ce, ee],
      schemaDir: writeSyntheticSchemas(path.join(base, 'schema')),
      dataDir: path.join(base, 'data'),
      offline: true,
      krakendBinary: path.join(base, 'none'),
    });
  });

  afterAll(async () => session?.close());

  it('renders a Community template with its settings and sub-templates, and maps errors to the template line', async () => {
    const result = await session.call('validate_config', { config: path.join(ce, 'krakend.tmpl') });
    const validated = report(result);
    expect(validated.flexible_configuration).toMatchObject({
      rendered: true,
      edition: 'ce',
      settings_files: ['settings/service.json'],
    });
    // "port": "{{ .service.port }}" renders a string; the schema wants an integer: line 4 of the template.
    expect(validated.errors).toEqual([
      expect.objectContaining({ pointer: '/port', template_file: 'krakend.tmpl', template_line: 4 }),
    ]);
    expect(result.text).toMatch(/error krakend\.tmpl:4 \/port: must be an integer/);
  });

  it("points a template error at the sub-template's own line", async () => {
    const validated = report(await session.call('validate_config', { config: path.join(ce, 'broken.tmpl') }));
    expect(validated.valid).toBe(false);
    expect(validated.errors).toEqual([
      expect.objectContaining({
        code: 'flexible_configuration',
        template_file: 'templates/bad.tmpl',
        template_line: 3,
        message: expect.stringMatching(/function "now" is not one Rampart renders/),
      }),
    ]);
  });

  it('refuses a partial that climbs out of the partials folder', async () => {
    const validated = report(await session.call('validate_config', { config: path.join(ce, 'escape.tmpl') }));
    expect(validated.errors[0]?.message).toMatch(/partial "\.\.\/\.\.\/\.\.\/etc\/passwd" is outside/);
  });

  it('renders an Enterprise template: flexible_config.json, YAML settings in folders, $ref, raw partials', async () => {
    const validated = report(
      await session.call('validate_config', { config: path.join(ee, 'krakend.tmpl'), edition: 'ce' }),
    );
    expect(validated.flexible_configuration).toMatchObject({
      rendered: true,
      edition: 'ee',
      settings_files: ['settings/prod/service.yaml'],
    });
    // The Enterprise namespace came in through $ref: the error points into the referenced file.
    expect(validated.errors).toEqual([
      expect.objectContaining({
        code: 'enterprise_only',
        pointer: '/extra_config/auth~1api-keys',
        template_file: 'service/extra_config.json',
        template_line: 3,
      }),
    ]);
  });

  it('stops at an undefined variable in an Enterprise template, at its line', async () => {
    const validated = report(
      await session.call('validate_config', { config: path.join(ee, 'undefined.tmpl') }),
    );
    expect(validated.errors).toEqual([
      expect.objectContaining({
        template_file: 'undefined.tmpl',
        template_line: 3,
        message: expect.stringMatching(/map has no entry for key "nope"/),
      }),
    ]);
  });

  it('audits a Community template by rendering it, each finding at the template or sub-template line', async () => {
    const result = await session.call('audit_security', {
      config: path.join(ce, 'audit.tmpl'),
      cross_check: false,
    });
    expect(result.isError, result.text).toBe(false);
    const audited = result.structured as unknown as Audited;
    expect(audited.flexible_configuration).toMatchObject({
      edition: 'ce',
      settings_files: ['settings/service.json'],
    });
    // Two writing backends in one endpoint: the "backend" key is line 4 of the sub-template.
    expect(audited.findings).toContainEqual(
      expect.objectContaining({
        rule: '5.1.6',
        pointer: '/endpoints/0/backend',
        template_file: 'templates/write.tmpl',
        template_line: 4,
      }),
    );
    // No circuit breaker anywhere: the finding points at the template's "endpoints" line.
    expect(audited.findings).toContainEqual(
      expect.objectContaining({ rule: '3.1.3', template_file: 'audit.tmpl', template_line: 3 }),
    );
    for (const finding of audited.findings) expect(finding.template_file).toBeDefined();
    expect(result.text).toMatch(/5\.1\.6\t\[MEDIUM\].*\n\ttemplates\/write\.tmpl:4 \/endpoints\/0\/backend/);
    expect(result.text).toMatch(/rendered as KrakenD CE would/);
  });

  it('audits an Enterprise template, a finding inside a $ref file pointing at that file', async () => {
    const result = await session.call('audit_security', {
      config: path.join(ee, 'krakend.tmpl'),
      cross_check: false,
    });
    expect(result.isError, result.text).toBe(false);
    const audited = result.structured as unknown as Audited;
    expect(audited.flexible_configuration).toMatchObject({
      edition: 'ee',
      settings_files: ['settings/prod/service.yaml'],
    });
    // auth/api-keys came in through $ref: line 3 of service/extra_config.json.
    expect(audited.findings).toContainEqual(
      expect.objectContaining({
        rule: '1.1.2',
        pointer: '/extra_config/auth~1api-keys',
        template_file: 'service/extra_config.json',
        template_line: 3,
      }),
    );
    expect(audited.findings).toContainEqual(
      expect.objectContaining({ rule: '3.1.3', template_file: 'krakend.tmpl', template_line: 6 }),
    );
  });

  it('refuses to audit a template that does not render, naming its file and line', async () => {
    const result = await session.call('audit_security', { config: path.join(ee, 'undefined.tmpl') });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/does not render: undefined\.tmpl:3: .*map has no entry for key "nope"/);
  });
});

describeWithFixtures('krakend', "Flexible Configuration: KrakenD's playground templates", () => {
  let session: Session;
  const playground = () => fixture('krakend', 'configs', 'playground-community');

  beforeAll(async () => {
    session = await connectKrakend({
      roots: [playground()],
      schemaDir: fixture('krakend', 'schema'),
      dataDir: path.join(base, 'data-fixtures'),
      offline: true,
      krakendBinary: path.join(base, 'none'),
    });
  });

  afterAll(async () => session?.close());

  for (const env of ['dev', 'prod']) {
    it(`renders krakend-flexible-config.tmpl with settings/${env}, validates it against v2.4, and points into the partial`, async () => {
      const validated = report(
        await session.call('validate_config', {
          config: 'krakend-flexible-config.tmpl',
          flexible: { settings: `settings/${env}` },
        }),
      );
      expect(validated.flexible_configuration).toMatchObject({ rendered: true, edition: 'ce' });
      // The playground's own partial really does miss these (v2.4 wants gelf's enable_tcp and jaeger's
      // service_name): each error names the partial's line, not the rendered file's.
      expect(validated.errors.map((e) => [e.message, e.template_file, e.template_line])).toEqual([
        ['missing required key "enable_tcp"', 'partials/extra_config.tmpl', 20],
        ['missing required key "service_name"', 'partials/extra_config.tmpl', 48],
        ['unknown key "serviceName"', 'partials/extra_config.tmpl', 50],
      ]);
    });
  }

  it('asks which settings folder to use when there are several', async () => {
    const validated = report(
      await session.call('validate_config', { config: 'krakend-flexible-config.tmpl' }),
    );
    expect(validated.errors[0]?.message).toMatch(/settings folder holds dev, prod/);
  });
});
