import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { listServers } from '../api';
import { Choice } from '../components/choice';
import { QueryStatus } from '../components/query-status';
import { RegistryBrowser } from '../components/registry-browser';
import type { Update } from '../components/registry-subject';
import { registryMounts } from '../registry-api';
import '../registry-page.css';

const MOUNT_EXAMPLE = `servers:
  - name: registry
    kind: registry
    options:
      registries:
        - { name: local, url: "http://127.0.0.1:8081" }`;

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
      <QueryStatus query={servers} loading="Loading the servers…" />
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
