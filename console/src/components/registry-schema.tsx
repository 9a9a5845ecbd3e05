import type { SchemaVersion } from '../registry-api';
import { schemaText } from '../registry-diff';

/** One registered version: its id, type and references, and the schema as text. */
export function SchemaView({ version }: { version: SchemaVersion }) {
  return (
    <section className="schema-version" aria-label={`Version ${version.version} of ${version.subject}`}>
      <dl className="facts">
        <div>
          <dt>Version</dt>
          <dd>{version.version}</dd>
        </div>
        <div>
          <dt>Schema id</dt>
          <dd>{version.id}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{version.schemaType}</dd>
        </div>
        <div>
          <dt>References</dt>
          <dd>
            {version.references.length === 0 ? (
              'none'
            ) : (
              <ul className="references">
                {version.references.map((ref) => (
                  <li key={`${ref.name} ${ref.subject} ${ref.version}`}>
                    <code>{ref.name}</code> → {ref.subject} version {ref.version}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      <pre className="schema-text">{schemaText(version.schema, version.schemaType)}</pre>
    </section>
  );
}
