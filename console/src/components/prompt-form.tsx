import type { GetPromptResult, Prompt } from '@modelcontextprotocol/client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { clientFor } from '../mcp';
import { PromptMessages } from './prompt-messages';
import { ArgumentInput } from './resource-template-form';

/**
 * One prompt: its description, a field per argument (required ones marked and checked before asking), and the
 * messages prompts/get answers with.
 */
export function PromptForm(props: { server: string; prompt: Prompt; completions: boolean }) {
  const { prompt } = props;
  const args = prompt.arguments ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const get = useMutation<GetPromptResult, Error, Record<string, string>>({
    mutationFn: async (given) =>
      (await clientFor(props.server)).getPrompt({ name: prompt.name, arguments: given }),
  });

  return (
    <>
      <h2>{prompt.title ?? prompt.name}</h2>
      <p className="tool-id">
        <code>{prompt.name}</code>
      </p>
      {prompt.description && <p className="description">{prompt.description}</p>}
      <form
        aria-label={`Arguments of ${prompt.name}`}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const missing = Object.fromEntries(
            args.filter((a) => a.required && !values[a.name]).map((a) => [a.name, `${a.name} is required.`]),
          );
          setErrors(missing);
          if (Object.keys(missing).length > 0) return;
          // Only what was filled in: an empty optional argument is left out, not sent as "".
          get.mutate(Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')));
        }}
      >
        {args.length === 0 && <p className="help">This prompt takes no arguments.</p>}
        {args.map((arg) => (
          <ArgumentInput
            key={arg.name}
            server={props.server}
            completionRef={{ type: 'ref/prompt', name: prompt.name }}
            completions={props.completions}
            field={{
              name: arg.name,
              label: arg.name,
              required: arg.required === true,
              ...(arg.description ? { description: arg.description } : {}),
            }}
            values={values}
            error={errors[arg.name]}
            onChange={(value) => setValues((current) => ({ ...current, [arg.name]: value }))}
          />
        ))}
        <p>
          <button type="submit" disabled={get.isPending}>
            Get prompt
          </button>
        </p>
      </form>
      <div aria-live="polite">
        {get.isPending && <p className="status">Asking for {prompt.name}…</p>}
        {get.isError && (
          <section className="result failed" aria-label="Prompt failed">
            <h3>The server refused</h3>
            <pre className="text">{get.error.message}</pre>
          </section>
        )}
        {get.data && !get.isPending && (
          <section className="result" aria-label="Prompt messages">
            <h3>Messages</h3>
            <PromptMessages result={get.data} />
          </section>
        )}
      </div>
    </>
  );
}
