// The Form alone: the package index also re-exports a test helper that imports the ajv validator.
import Form from '@rjsf/core/lib/components/Form.js';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { type ChangeEvent, useId, useState } from 'react';
import { arrayButtonTemplates } from '../form/array-buttons';
import { formValidator } from '../form/validator';
import type { Kind, KindSchema } from '../generator-api';

/** As the gateway caps it (MAX_OPENAPI_BYTES): a larger document is refused here, before it is read. */
const MAX_OPENAPI_BYTES = 8 * 1024 * 1024;

const KIND_LABELS: Record<Kind, string> = {
  fs: 'fs: a sandboxed filesystem server',
  custom: 'custom: typed tool stubs to fill in',
  git: 'git: read-only git inspection',
  db: 'db: read-only SQL behind the statement gate',
  api: 'api: one tool per operation of an OpenAPI document',
  client: 'client: an MCP client app for some servers',
};

const COMMON: UiSchema = {
  name: { 'ui:title': 'Package name', 'ui:help': 'An npm name, e.g. my-server; also the folder in the zip.' },
  description: {
    'ui:title': 'Description',
    'ui:widget': 'textarea',
    'ui:options': { rows: 2 },
    'ui:help': 'What the server is for: shown to the model as its instructions.',
  },
};

/** Labels and hints per kind: the schema names the options, these say them as a person would. */
const UI: Record<Kind, UiSchema> = {
  fs: {
    roots: {
      'ui:title': 'Roots',
      'ui:help': 'Directories the server may reach.',
      items: { 'ui:title': 'Root' },
    },
    readOnly: { 'ui:title': 'Read-only (no write tool at all)' },
  },
  custom: {
    tools: {
      'ui:title': 'Tools',
      items: {
        'ui:title': 'Tool',
        name: { 'ui:title': 'Tool name', 'ui:help': 'snake_case, e.g. summarize_text' },
        description: { 'ui:title': 'Tool description' },
      },
    },
  },
  git: { repository: { 'ui:title': 'Repository', 'ui:help': 'The repository the server reads.' } },
  db: {
    engine: { 'ui:title': 'Engine' },
    urlEnv: { 'ui:title': 'URL variable', 'ui:help': 'The environment variable holding the database URL.' },
    schemas: {
      'ui:title': 'Schemas',
      'ui:help': 'Schemas the queries may reach (none: all).',
      items: { 'ui:title': 'Schema' },
    },
  },
  api: {
    openapi: {
      'ui:title': 'OpenAPI document',
      'ui:widget': 'textarea',
      'ui:options': { rows: 8 },
      'ui:help': 'The OpenAPI 3.0 or 3.1 document itself (JSON or YAML): paste it, or upload it above.',
    },
    source: {
      'ui:title': 'Source',
      'ui:help':
        'Where the document came from, for the README; an http(s) URL resolves relative server URLs. Never fetched.',
    },
    envPrefix: {
      'ui:title': 'Environment prefix',
      'ui:help': 'Prefix of the variables the server reads (default: from the name).',
    },
  },
  client: {
    servers: {
      'ui:title': 'Servers',
      items: {
        'ui:title': 'Server',
        name: { 'ui:title': 'Server name' },
        target: { 'ui:title': 'Command or http(s) URL' },
      },
    },
  },
};

/** The refusal's key (`tools.0.name`) as the form library places an error under a field. */
function errorAt(key: string | undefined, problem: string): ErrorSchema {
  const leaf: ErrorSchema = { __errors: [problem] } as ErrorSchema;
  if (!key) return leaf;
  return key.split('.').reduceRight<ErrorSchema>((inner, part) => ({ [part]: inner }) as ErrorSchema, leaf);
}

interface GeneratorFormProps {
  readonly kinds: readonly KindSchema[];
  readonly kind: Kind;
  readonly data: Record<string, unknown>;
  readonly refusal: { readonly key: string | undefined; readonly problem: string } | undefined;
  readonly busy: boolean;
  onKind(kind: Kind): void;
  onChange(data: Record<string, unknown>): void;
  onSubmit(data: Record<string, unknown>): void;
}

/** The kind, then that kind's options as a form generated from the spec's own JSON Schema. */
export function GeneratorForm(props: GeneratorFormProps) {
  const { kinds, kind, data, refusal, busy } = props;
  const kindId = useId();
  const uploadId = useId();
  const [uploadProblem, setUploadProblem] = useState<string>();
  const schema = kinds.find((k) => k.kind === kind)?.schema as RJSFSchema | undefined;

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    setUploadProblem(undefined);
    if (!file) return;
    if (file.size > MAX_OPENAPI_BYTES) {
      setUploadProblem(
        `${file.name} is larger than ${MAX_OPENAPI_BYTES} bytes, the most an OpenAPI document may be`,
      );
      return;
    }
    try {
      const text = await file.text();
      props.onChange({ ...data, openapi: text, ...(data.source ? {} : { source: file.name }) });
    } catch {
      setUploadProblem(`${file.name} could not be read`);
    }
  };

  return (
    <div className="generator-form">
      <div className="field">
        <label htmlFor={kindId}>Kind</label>
        <select id={kindId} value={kind} onChange={(event) => props.onKind(event.target.value as Kind)}>
          {kinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {KIND_LABELS[k.kind]}
            </option>
          ))}
        </select>
      </div>
      {kind === 'api' && (
        <div className="field">
          <label htmlFor={uploadId}>Upload an OpenAPI document</label>
          <input
            id={uploadId}
            type="file"
            accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml"
            onChange={(event) => void upload(event)}
          />
          <p className="help-block">
            Read in this browser and sent as text: the console never fetches a document from a URL.
          </p>
          {uploadProblem && <p role="alert">{uploadProblem}</p>}
        </div>
      )}
      {schema && (
        <Form
          key={kind}
          schema={schema}
          uiSchema={{
            ...COMMON,
            ...UI[kind],
            'ui:submitButtonOptions': { submitText: 'Generate preview' },
          }}
          validator={formValidator}
          templates={arrayButtonTemplates}
          formData={data}
          idPrefix={`generator-${kind}`}
          showErrorList={false}
          noHtml5Validate
          extraErrors={refusal ? errorAt(refusal.key, refusal.problem) : undefined}
          onChange={(event) => props.onChange((event.formData ?? {}) as Record<string, unknown>)}
          onSubmit={(event) => props.onSubmit((event.formData ?? {}) as Record<string, unknown>)}
          disabled={busy}
        />
      )}
    </div>
  );
}
