import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { listRegistries, listSubjects } from '../registry-api';
import { Choice } from './choice';
import { QueryStatus } from './query-status';
import { Subject, type Update } from './registry-subject';

/** One registry server's registries and subjects, with the chosen subject beside the list. */
export function RegistryBrowser({
  server,
  search,
  update,
}: {
  server: string;
  search: URLSearchParams;
  update: Update;
}) {
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const registries = useQuery({
    queryKey: ['registry', server, 'registries'],
    queryFn: () => listRegistries(server),
  });
  const names = registries.data?.map((r) => r.name) ?? [];
  const registry = names.find((n) => n === search.get('registry')) ?? names[0];
  const subjects = useQuery({
    queryKey: ['registry', server, registry, 'subjects'],
    queryFn: () => listSubjects(server, registry as string),
    enabled: registry !== undefined,
  });
  const subject = subjects.data?.find((s) => s === search.get('subject'));
  const shown = (subjects.data ?? []).filter((s) => s.toLowerCase().includes(filter.trim().toLowerCase()));

  if (registries.isPending) return <p className="status">Asking {server} for its registries…</p>;
  if (registries.isError) return <p role="alert">{registries.error.message}</p>;
  if (registry === undefined)
    return (
      <p>
        The server <code>{server}</code> has no registry configured (its <code>registries</code> option, or
        SCHEMA_REGISTRY_URL where it runs).
      </p>
    );
  const where = registries.data.find((r) => r.name === registry);
  return (
    <>
      {names.length > 1 && (
        <div className="filters">
          <Choice
            label="Registry"
            value={registry}
            options={names.map((n) => ({ value: n, label: n }))}
            onChange={(name) => update({ registry: name, subject: undefined })}
          />
        </div>
      )}
      <p className="help">
        Registry <strong>{registry}</strong> at <code>{where?.url}</code>
        {where?.viewonly ? ' (view-only)' : ''}, read through <code>/mcp/{server}</code>.
      </p>
      <div className="registry">
        <nav aria-label="Subjects" className="subject-list">
          <h2>Subjects ({subjects.data?.length ?? '…'})</h2>
          <div className="field">
            <label htmlFor={filterId}>Filter subjects</label>
            <input
              id={filterId}
              type="search"
              value={filter}
              placeholder="part of a subject name"
              onChange={(event) => setFilter(event.target.value)}
            />
          </div>
          <QueryStatus query={subjects} loading="Loading the subjects…" />
          {subjects.data?.length === 0 && <p>This registry has no subjects yet.</p>}
          {subjects.data && subjects.data.length > 0 && shown.length === 0 && (
            <p>No subject contains “{filter}”.</p>
          )}
          <ul>
            {shown.map((name) => (
              <li key={name}>
                <button
                  type="button"
                  aria-current={name === subject ? 'true' : undefined}
                  onClick={() =>
                    update({ subject: name, version: undefined, from: undefined, to: undefined })
                  }
                >
                  {name}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <section className="subject-panel" aria-label="Selected subject">
          {subject ? (
            <Subject
              key={subject}
              server={server}
              registry={registry}
              subject={subject}
              search={search}
              update={update}
            />
          ) : (
            <p>Choose a subject to see its versions, compare two of them, and check a draft against it.</p>
          )}
        </section>
      </div>
    </>
  );
}
