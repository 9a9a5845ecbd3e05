// The Form alone: the package index also re-exports a test helper that imports the ajv validator.
import Form from '@rjsf/core/lib/components/Form.js';
import type { RJSFSchema } from '@rjsf/utils';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { arrayButtonTemplates } from '../form/array-buttons';
import { formValidator } from '../form/validator';
import { type CallOutcome, callTool, isDestructive, type Tool } from '../tools';
import { Annotations } from './annotations';
import { ConfirmCall } from './confirm-call';
import { ToolResult } from './tool-result';

/** The tool's input schema as the form library takes it: an object schema without the $schema marker. */
function formSchema(tool: Tool): RJSFSchema {
  const { $schema: _, ...schema } = tool.inputSchema as RJSFSchema;
  return { ...schema, type: 'object' };
}

/** One tool: its description and hints, a form generated from its input schema, and the last call's result. */
export function ToolRunner({ server, tool }: { server: string; tool: Tool }) {
  const schema = useMemo(() => formSchema(tool), [tool]);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [pending, setPending] = useState<Record<string, unknown>>();
  const call = useMutation<CallOutcome, Error, Record<string, unknown>>({
    mutationFn: (args) => callTool(server, tool.name, args),
  });
  const destructive = isDestructive(tool);

  const submit = (args: Record<string, unknown>) => {
    if (destructive) setPending(args);
    else call.mutate(args);
  };

  return (
    <>
      <h2>{tool.title ?? tool.annotations?.title ?? tool.name}</h2>
      <p className="tool-id">
        <code>{tool.name}</code> <Annotations tool={tool} />
      </p>
      {tool.description && <p className="description">{tool.description}</p>}
      <Form
        schema={schema}
        validator={formValidator}
        templates={arrayButtonTemplates}
        formData={data}
        idPrefix={`tool-${tool.name}`}
        showErrorList="top"
        noHtml5Validate
        onChange={(event) => setData((event.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(event) => submit((event.formData ?? {}) as Record<string, unknown>)}
        uiSchema={{
          'ui:submitButtonOptions': { submitText: destructive ? `Call ${tool.name}…` : `Call ${tool.name}` },
        }}
        disabled={call.isPending}
      />
      {pending && (
        <ConfirmCall
          server={server}
          tool={tool}
          args={pending}
          onCancel={() => setPending(undefined)}
          onConfirm={() => {
            call.mutate(pending);
            setPending(undefined);
          }}
        />
      )}
      <div aria-live="polite">
        {call.isPending && <p className="status">Calling {tool.name}…</p>}
        {call.data && <ToolResult outcome={call.data} />}
      </div>
    </>
  );
}
