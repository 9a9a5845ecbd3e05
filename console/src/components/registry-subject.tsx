import { useQuery } from '@tanstack/react-query';
import { getVersion, listVersions, subjectLevel } from '../registry-api';
import { schemaText } from '../registry-diff';
import { Choice } from './choice';
import { QueryStatus } from './query-status';
import { SchemaDiff } from './registry-diff';
import { DraftCheck } from './registry-draft';
import { SchemaView } from './registry-schema';

/** Sets (a string) or removes (undefined) the page's search parameters: what is chosen lives in the URL. */
export type Update = (change: Record<string, string | undefined>) => void;

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

/** A subject: its level, one version shown, two compared side by side, and a draft checked against the latest. */
export function Subject(props: {
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
      <QueryStatus query={versions} loading="Loading the versions…" />
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
          <QueryStatus query={current} />
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
