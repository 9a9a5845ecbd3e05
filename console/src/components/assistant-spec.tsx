import { useNavigate } from 'react-router';

/**
 * The spec the assistant proposes, as formatted JSON text. Nothing is generated here: the button hands the spec
 * to the generator page (in the history entry's state, never the URL), where the person sees the files first.
 */
export function AssistantSpec({ spec }: { spec: Record<string, unknown> }) {
  const navigate = useNavigate();
  return (
    <section className="assistant-spec" aria-labelledby="proposed-spec">
      <h2 id="proposed-spec">Proposed spec</h2>
      <p className="help">
        Checked against the generator's rules by the gateway. Read it: nothing is generated until you choose
        to.
      </p>
      <pre>{JSON.stringify(spec, null, 2)}</pre>
      <p>
        <button
          type="button"
          className="btn-info"
          onClick={() => void navigate('/generator', { state: { spec } })}
        >
          Generate this project
        </button>
      </p>
    </section>
  );
}
