import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { listServers } from '../api';
import { SchemaDiff } from '../components/registry-diff';
import { DraftCheck } from '../components/registry-draft';
import { SchemaView } from '../components/registry-schema';
import {
  getVersion,
  listRegistries,
  listSubjects,
  listVersions,
  registryMounts,
  subjectLevel,
} from '../registry-api';
import { schemaText } from '../registry-diff';
import '../registry-page.css';

type Update = (change: Record<string, string | undefined>) => void;

const MOUNT_EXAMPLE = `servers:
  - name: registry
    kind: registry
    options:
      registries:
        - { name: local, url: "http://127.0.0.1:8081" }`;

function Choice(props: {
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function NoRegistry() {
  return (
    <>
      <p>
        No server of kind <code>registry</code> is mounted, so there is no Schema Registry to browse. The
        default set of <code>rampart serve</code> mounts one over its embedded registry; with a{' '}
        <code>servers</code> list in rampart.yaml, add one pointing at your registry and restart:
      </p>
      <pre>{MOUNT_EXAMPLE}</pre>
      <p className="help">
        The console reads the registry only through that server's tools, with the gateway's auth, scopes and
        audit; it cannot mount or start one itself.
      </p>
    </>
  );
}

function useVersion(server: string, registry: string, subject: string, version: number | undefined) {
  return useQuery({
    queryKey: ['registry', server, registry, subject, 'version', version],
    queryFn: () => getVersion(server, registry, subject, version as number),
    enabled: version !== undefined,
  });
}

const numberParam = (value: string | null, among: readonly number[]): number | undefined => {
  const n = Number(value);
  return value !== null && among.includes(n) ? n : undefined;
};

function Compare(props: {
  server: string;
  registry: string;
  subject: string;
  versions: readonly number[];
  from: number;
  to: number;
  update: Update;
}) {
  const { server, registry, subject, versions } = props;
  const left = useVersion(server, registry, subject, props.from);
  const right = useVersion(server, registry, subject, props.to);
  const options = versions.map((v) => ({ value: String(v), label: `version ${v}` }));
  const failed = left.error ?? right.error;
  return (
    <section aria-labelledby="compare-title">
      <h2 id="compare-title">Compare two versions</h2>
      <div className="filters">
        <Choice
          label="Left version"
          value={String(props.from)}
          options={options}
          onChange={(from) => props.update({ from })}
        />
        <Choice
          label="Right version"
          value={String(props.to)}
          options={options}
          onChange={(to) => props.update({ to })}
        />
      </div>
      {failed && <p role="alert">{failed.message}</p>}
      {(left.isPending || right.isPending) && !failed && <p className="status">Loading the versions…</p>}
      {left.data && right.data && (
        <SchemaDiff
          leftTitle={`Version ${left.data.version} (id ${left.data.id})`}
          left={schemaText(left.data.schema, left.data.schemaType)}
          rightTitle={`Version ${right.data.version} (id ${right.data.id})`}
          right={schemaText(right.data.schema, right.data.schemaType)}
        />
      )}
    </section>
  );
}

function Subject(props: {
  server: string;
  registry: string;
  subject: string;
  search: URLSearchParams;
  update: Update;
}) {
  const { server, registry, subject, search, update } = props;
  const versions = useQuery({
    queryKey: ['registry', server, registry, subject, 'versions'],
    queryFn: () => listVersions(server, registry, subject),
  });
  const level = useQuery({
    queryKey: ['registry', server, registry, subject, 'level'],
    queryFn: () => subjectLevel(server, registry, subject),
  });
  const all = versions.data ?? [];
  const latest = all.at(-1);
  const shown = numberParam(search.get('version'), all) ?? latest;
  const current = useVersion(server, registry, subject, shown);
  const newest = useVersion(server, registry, subject, latest);
  const to = numberParam(search.get('to'), all) ?? latest;
  const from = numberParam(search.get('from'), all) ?? all.at(-2);

  return (
    <>
      <h2 className="subject-title">{subject}</h2>
      {level.data && (
        <p className="help">
          Compatibility level {level.data.compatibility}
          {level.data.inherited ? ' (the registry-wide level)' : ' (set for this subject)'}
        </p>
      )}
      {versions.isPending && <p className="status">Loading the versions…</p>}
      {versions.isError && <p role="alert">{versions.error.message}</p>}
      {shown !== undefined && (
        <section aria-labelledby="version-title">
          <h2 id="version-title">Versions ({all.length})</h2>
          <div className="filters">
            <Choice
              label="Show version"
              value={String(shown)}
              options={all.map((v) => ({
                value: String(v),
                label: `version ${v}${v === latest ? ' (latest)' : ''}`,
              }))}
              onChange={(version) => update({ version })}
            />
          </div>
          {current.isError && <p role="alert">{current.error.message}</p>}
          {current.data && <SchemaView version={current.data} />}
        </section>
      )}
      {from !== undefined && to !== undefined ? (
        <Compare
          server={server}
          registry={registry}
          subject={subject}
          versions={all}
          from={from}
          to={to}
          update={update}
        />
      ) : (
        versions.data && <p className="help">One version only: there is nothing to compare yet.</p>
      )}
      {versions.data && (latest === undefined || newest.data || newest.isError) && (
        <DraftCheck
          key={`${subject} ${newest.data?.id ?? 'none'}`}
          server={server}
          registry={registry}
          subject={subject}
          latest={newest.data}
        />
      )}
    </>
  );
}

function RegistryBrowser({
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
          {subjects.isPending && <p className="status">Loading the subjects…</p>}
          {subjects.isError && <p role="alert">{subjects.error.message}</p>}
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

/** The Schema Registry, read through a mounted `registry` server's tools: subjects, versions, diffs, drafts. */
export function RegistryPage() {
  const [search, setSearch] = useSearchParams();
  const servers = useQuery({ queryKey: ['servers'], queryFn: listServers });
  const update: Update = (change) =>
    setSearch((now) => {
      const next = new URLSearchParams(now);
      for (const [key, value] of Object.entries(change)) {
        if (value === undefined) next.delete(key);
        else next.set(key, value);
      }
      return next;
    });
  const mounts = registryMounts(servers.data ?? []);
  const server = mounts.find((m) => m.name === search.get('server'))?.name ?? mounts[0]?.name;

  return (
    <>
      <h1>Schema Registry</h1>
      {servers.isPending && <p className="status">Loading the servers…</p>}
      {servers.isError && <p role="alert">{servers.error.message}</p>}
      {servers.data && server === undefined && <NoRegistry />}
      {server !== undefined && mounts.length > 1 && (
        <div className="filters">
          <Choice
            label="Registry server"
            value={server}
            options={mounts.map((m) => ({ value: m.name, label: `${m.name} (/mcp/${m.name})` }))}
            onChange={(name) => setSearch({ server: name })}
          />
        </div>
      )}
      {server !== undefined && (
        <RegistryBrowser key={server} server={server} search={search} update={update} />
      )}
    </>
  );
}
