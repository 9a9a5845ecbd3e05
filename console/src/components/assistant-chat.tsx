import { useMutation } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { consoleFetch } from '../api';
import { AssistantSpec } from './assistant-spec';

/** One turn of the conversation, kept in this page's memory only. */
export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  /** The spec an assistant turn proposed, validated by the gateway. */
  readonly spec?: Record<string, unknown>;
}

interface Answer {
  readonly reply: string;
  readonly spec: Record<string, unknown>;
}

/** The gateway's limits on what it forwards (src/gateway/console-assistant.ts). */
const MAX_MESSAGES = 20;
const MAX_MESSAGE_CHARS = 8_000;

/**
 * The conversation as the gateway takes it: the latest turns, an assistant turn as the JSON it answered (so the
 * model sees the spec it proposed) or, when that is too long to send, its reply alone.
 */
function messagesOf(turns: readonly Turn[]): { role: Turn['role']; content: string }[] {
  return turns.slice(-MAX_MESSAGES).map((turn) => {
    if (turn.role === 'user' || !turn.spec) return { role: turn.role, content: turn.text || '(no reply)' };
    const whole = JSON.stringify({ reply: turn.text, spec: turn.spec });
    return { role: turn.role, content: whole.length <= MAX_MESSAGE_CHARS ? whole : turn.text || '(a spec)' };
  });
}

async function ask(turns: readonly Turn[]): Promise<Answer> {
  const response = await consoleFetch('/console/api/assistant', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: messagesOf(turns) }),
  });
  const body = (await response.json().catch(() => undefined)) as
    | (Partial<Answer> & { error_description?: unknown })
    | undefined;
  if (!response.ok || !body?.spec)
    throw new Error(
      typeof body?.error_description === 'string'
        ? body.error_description
        : `the gateway answered ${response.status}`,
    );
  return { reply: body.reply ?? '', spec: body.spec };
}

/** The chat: the person's description, the assistant's replies as text, and the last spec it proposed. */
export function AssistantChat({ model }: { model: string }) {
  const [turns, setTurns] = useState<readonly Turn[]>([]);
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const helpId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  const asking = useMutation<Answer, Error, readonly Turn[]>({ mutationFn: ask });
  const proposed = turns.findLast((turn) => turn.spec)?.spec;

  // When an answer (or a refusal) arrives, the box is ready for the next message; not when the page opens.
  const wasAsking = useRef(false);
  useEffect(() => {
    if (wasAsking.current && !asking.isPending) input.current?.focus();
    wasAsking.current = asking.isPending;
  }, [asking.isPending]);

  const send = () => {
    const text = draft.trim();
    if (!text || asking.isPending) return;
    const next = [...turns, { role: 'user' as const, text }];
    setTurns(next);
    setDraft('');
    asking.mutate(next, {
      onSuccess: (answer) =>
        setTurns((now) => [...now, { role: 'assistant', text: answer.reply, spec: answer.spec }]),
      // The description goes back into the box, to be asked again or changed.
      onError: () => {
        setTurns((now) => now.slice(0, -1));
        setDraft(text);
      },
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  };

  return (
    <div className="assistant">
      <section aria-labelledby="conversation">
        <h2 id="conversation">Conversation</h2>
        <p className="help">
          Model <code>{model}</code>, asked through the gateway. Its answers are shown as text.
        </p>
        {turns.length === 0 ? (
          <p className="status">
            Describe the server you want; the assistant proposes a spec for the generator.
          </p>
        ) : (
          <ol className="chat">
            {turns.map((turn, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: turns are only ever appended or the last removed
              <li key={index} className={`from-${turn.role}`}>
                <span className="speaker">{turn.role === 'user' ? 'You' : 'Assistant'}</span>
                <p className="description">
                  {turn.text || (turn.role === 'assistant' ? '(a spec, without a reply)' : '')}
                </p>
              </li>
            ))}
          </ol>
        )}
        <div aria-live="polite">{asking.isPending && <p className="status">Asking the assistant…</p>}</div>
        {asking.isError && (
          <p role="alert" className="error">
            {asking.error.message}
          </p>
        )}
        <form
          aria-label="Ask the assistant"
          onSubmit={(event) => {
            event.preventDefault();
            send();
          }}
        >
          <label htmlFor={inputId}>Describe the server you want</label>
          <textarea
            id={inputId}
            ref={input}
            rows={3}
            maxLength={MAX_MESSAGE_CHARS}
            aria-describedby={helpId}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <p id={helpId} className="help">
            For example: a read-only server over our Postgres orders table. Ctrl+Enter sends.
          </p>
          <p className="actions">
            <button type="submit" disabled={asking.isPending || draft.trim() === ''}>
              Send
            </button>{' '}
            <button
              type="button"
              disabled={asking.isPending || turns.length === 0}
              onClick={() => {
                setTurns([]);
                asking.reset();
              }}
            >
              Start over
            </button>
          </p>
        </form>
      </section>
      {proposed && <AssistantSpec spec={proposed} />}
    </div>
  );
}
