import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { checkDraft, SCHEMA_TYPES, type SchemaVersion, type Verdict } from '../registry-api';
import { type SchemaType, schemaText } from '../registry-diff';

function VerdictView({ subject, verdict }: { subject: string; verdict: Verdict }) {
  return (
    <div className={verdict.compatible ? 'verdict ok' : 'verdict refused'}>
      <p>
        <strong>{verdict.compatible ? 'Compatible' : 'Not compatible'}</strong>
        {verdict.compatible
          ? `: it may be registered under ${subject} (compatibility level ${verdict.level}).`
          : `: ${subject} would refuse it (compatibility level ${verdict.level}).`}
      </p>
      {verdict.messages.length > 0 && (
        <ul className="verdict-messages">
          {verdict.messages.map((message, i) => (
            // The registry's messages come in its order and may repeat.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={i}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A draft schema checked against a subject with the registry server's check_compatibility: the verdict at the
 * subject's level, with the registry's reasons. Nothing is registered.
 */
export function DraftCheck(props: {
  server: string;
  registry: string;
  subject: string;
  latest: SchemaVersion | undefined;
}) {
  const [type, setType] = useState<SchemaType>(props.latest?.schemaType ?? 'AVRO');
  const [text, setText] = useState(() =>
    props.latest ? schemaText(props.latest.schema, props.latest.schemaType) : '',
  );
  const typeId = useId();
  const textId = useId();
  const helpId = useId();
  const check = useMutation({
    mutationFn: () => checkDraft(props.server, props.registry, props.subject, text, type),
  });
  return (
    <section className="draft" aria-labelledby={`${helpId}-title`}>
      <h2 id={`${helpId}-title`}>Check a draft</h2>
      <p className="help" id={helpId}>
        Paste a schema to see whether {props.subject} would accept it as its next version, at the subject's
        compatibility level. Nothing is registered.
      </p>
      <form
        aria-describedby={helpId}
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim() !== '') check.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={typeId}>Schema type</label>
          <select
            id={typeId}
            value={type}
            onChange={(event) => {
              setType(event.target.value as SchemaType);
              check.reset();
            }}
          >
            {SCHEMA_TYPES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={textId}>Draft schema</label>
          <textarea
            id={textId}
            className="draft-text"
            rows={12}
            spellCheck={false}
            required
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              check.reset();
            }}
          />
        </div>
        <p>
          <button type="submit" disabled={check.isPending}>
            {check.isPending ? 'Checking…' : 'Check compatibility'}
          </button>
        </p>
      </form>
      <div role="status" aria-live="polite">
        {check.data && <VerdictView subject={props.subject} verdict={check.data} />}
      </div>
      {check.isError && <p role="alert">The check failed: {check.error.message}</p>}
    </section>
  );
}
