/** The assistant panel of a gateway started without a chat endpoint: what the assistant does and how to enable it. */
export function AssistantSetup() {
  return (
    <div className="assistant-setup">
      <p className="notice">The assistant is not enabled on this gateway.</p>
      <p>
        It turns a description, such as “a read-only server over our Postgres orders table”, into a spec for
        the generator, which you check before anything is generated. To enable it, set these three variables
        in the environment of <code>rampart serve</code> and start it again:
      </p>
      <pre>
        {[
          '# any OpenAI-compatible chat endpoint: https, or http on this machine',
          'RAMPART_LLM_BASE_URL=https://api.openai.com/v1',
          'RAMPART_LLM_API_KEY=sk-…',
          'RAMPART_LLM_MODEL=gpt-4o-mini',
          'rampart serve',
        ].join('\n')}
      </pre>
      <p className="help">
        A model served on this machine works too, for example{' '}
        <code>RAMPART_LLM_BASE_URL=http://127.0.0.1:11434/v1</code>. The key stays in the gateway: it is never
        sent to this page, and it is not written to the audit log. <code>RAMPART_LLM_TIMEOUT_SECONDS</code>{' '}
        (default 60) bounds the wait for an answer.
      </p>
    </div>
  );
}
