import { type CompleteRequest, type ResourceTemplateType, UriTemplate } from '@modelcontextprotocol/client';
import { useEffect, useId, useMemo, useState } from 'react';
import { clientFor } from '../mcp';

/** What completion/complete is asked about: a resource template's URI or a prompt's name. */
export type CompletionRef = CompleteRequest['params']['ref'];

/** How long typing must pause before the server is asked for completions. */
const COMPLETION_DELAY_MS = 250;

/**
 * The server's completions for one argument, asked for only when the server declares the completions
 * capability, after typing pauses, and with the other arguments as context.
 */
function useCompletions(
  server: string,
  ref: CompletionRef,
  name: string,
  value: string,
  others: Record<string, string>,
  enabled: boolean,
): string[] {
  const [values, setValues] = useState<string[]>([]);
  const context = JSON.stringify(others);
  const refKey = JSON.stringify(ref);
  useEffect(() => {
    if (!enabled) return;
    const stop = new AbortController();
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const client = await clientFor(server);
          const answer = await client.complete(
            {
              ref: JSON.parse(refKey) as CompletionRef,
              argument: { name, value },
              context: { arguments: JSON.parse(context) as Record<string, string> },
            },
            { signal: stop.signal },
          );
          if (!stop.signal.aborted) setValues(answer.completion.values.slice(0, 100));
        } catch {
          // Completions are a convenience: without them the field is an ordinary text field.
          if (!stop.signal.aborted) setValues([]);
        }
      })();
    }, COMPLETION_DELAY_MS);
    return () => {
      clearTimeout(timer);
      stop.abort();
    };
  }, [server, refKey, name, value, context, enabled]);
  return enabled ? values : [];
}

export interface ArgumentField {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly required: boolean;
}

/**
 * One text field per argument, labelled, with its description and error tied to it, and the server's
 * completions offered as a datalist when it has any.
 */
export function ArgumentInput(props: {
  server: string;
  completionRef: CompletionRef;
  completions: boolean;
  field: ArgumentField;
  values: Record<string, string>;
  error?: string;
  onChange: (value: string) => void;
}) {
  const { field, values, error } = props;
  const id = useId();
  const value = values[field.name] ?? '';
  const others = useMemo(
    () => Object.fromEntries(Object.entries(values).filter(([key]) => key !== field.name)),
    [values, field.name],
  );
  const offered = useCompletions(
    props.server,
    props.completionRef,
    field.name,
    value,
    others,
    props.completions,
  );
  const described = [field.description && `${id}-help`, error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        {field.required ? (
          <span className="required"> (required)</span>
        ) : (
          <span className="optional"> (optional)</span>
        )}
      </label>
      {field.description && (
        <p className="field-description" id={`${id}-help`}>
          {field.description}
        </p>
      )}
      <input
        id={id}
        type="text"
        name={field.name}
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-required={field.required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        list={offered.length > 0 ? `${id}-completions` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {offered.length > 0 && (
        <datalist id={`${id}-completions`}>
          {offered.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      )}
      {error && (
        <p className="error-detail" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A template's variables, or the reason the template cannot be used. */
function parseTemplate(uriTemplate: string): {
  template?: UriTemplate;
  variables: string[];
  problem?: string;
} {
  try {
    const template = new UriTemplate(uriTemplate);
    return { template, variables: [...new Set(template.variableNames)] };
  } catch (error) {
    return { variables: [], problem: `its URI template does not parse: ${(error as Error).message}` };
  }
}

/**
 * A resource template as a small form: one field per `{variable}` of its URI template, the URI it expands to
 * shown as it is typed, and the resource read on submit.
 */
export function ResourceTemplateForm(props: {
  server: string;
  template: ResourceTemplateType;
  completions: boolean;
  onRead: (uri: string) => void;
}) {
  const { template } = props;
  const parsed = useMemo(() => parseTemplate(template.uriTemplate), [template.uriTemplate]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ref: CompletionRef = { type: 'ref/resource', uri: template.uriTemplate };

  if (!parsed.template) return <p role="alert">This template cannot be read: {parsed.problem}.</p>;
  const expanded = parsed.template.expand(values);

  return (
    <form
      className="template-form"
      aria-label={`Read from ${template.name}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const missing = Object.fromEntries(
          parsed.variables.filter((v) => !values[v]).map((v) => [v, `Fill in ${v}: the URI needs it.`]),
        );
        setErrors(missing);
        if (Object.keys(missing).length === 0) props.onRead(expanded);
      }}
    >
      {parsed.variables.map((variable) => (
        <ArgumentInput
          key={variable}
          server={props.server}
          completionRef={ref}
          completions={props.completions}
          field={{ name: variable, label: variable, required: true }}
          values={values}
          error={errors[variable]}
          onChange={(value) => setValues((current) => ({ ...current, [variable]: value }))}
        />
      ))}
      <p className="uri-preview">
        URI: <code>{expanded}</code>
      </p>
      <p>
        <button type="submit">Read</button>
      </p>
    </form>
  );
}
