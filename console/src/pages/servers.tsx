import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { listServers, metricsText, type ServerInfo, type ToolOffer } from '../api';
import { callsByServer, type ServerCalls } from '../metrics';
import { listTools } from '../tools';

function callsText(calls: ServerCalls | undefined): string {
  if (!calls) return '0';
  return `${calls.calls} (${calls.refused} refused, ${calls.failed} failed)`;
}

/** What the operator's selection left out, e.g. "12 of 15 offered, read-only; not offered: write_file, …". */
function selectionText(offer: ToolOffer | undefined): string | undefined {
  if (!offer || (offer.excluded.length === 0 && !offer.readOnly)) return undefined;
  // A server may leave its write tools out itself when read-only (fs does): nothing was left out by name.
  if (offer.excluded.length === 0) return 'read-only';
  const total = offer.offered.length + offer.excluded.length;
  const parts = [`${offer.offered.length} of ${total} offered${offer.readOnly ? ', read-only' : ''}`];
  if (offer.excluded.length > 0) parts.push(`not offered: ${offer.excluded.join(', ')}`);
  return parts.join('; ');
}

function ServerRow({ server, calls }: { server: ServerInfo; calls: ServerCalls | undefined }) {
  const tools = useQuery({
    queryKey: ['health', server.name],
    queryFn: async () => {
      const started = performance.now();
      const list = await listTools(server.name);
      return { count: list.length, ms: Math.round(performance.now() - started) };
    },
  });
  const selection = selectionText(server.offer);
  let status: string;
  if (tools.isPending) status = 'checking…';
  else if (tools.isError) status = `not answering: ${tools.error.message}`;
  else status = `answering (${tools.data.ms} ms)`;
  return (
    <tr>
      <th scope="row">
        <Link to={`/servers/${encodeURIComponent(server.name)}`}>{server.name}</Link>
      </th>
      <td>{server.kind}</td>
      <td>
        <code>/mcp/{server.name}</code>
      </td>
      <td className={tools.isError ? 'error' : undefined}>{status}</td>
      <td className="number tools">
        {tools.data?.count ?? '–'}
        {selection && <small className="selection">{selection}</small>}
      </td>
      <td className="number calls">{callsText(calls)}</td>
    </tr>
  );
}

export function ServersPage() {
  const servers = useQuery({ queryKey: ['servers'], queryFn: listServers });
  const metrics = useQuery({
    queryKey: ['metrics'],
    queryFn: async () => callsByServer(await metricsText()),
  });
  const queries = useQueryClient();
  return (
    <>
      <h1>Servers</h1>
      <p>
        <button
          type="button"
          onClick={() => {
            for (const key of ['health', 'metrics']) void queries.invalidateQueries({ queryKey: [key] });
          }}
        >
          Check again
        </button>
      </p>
      {metrics.isError && <p role="alert">Calls are unavailable: {metrics.error.message}</p>}
      {servers.isPending && <p className="status">Loading the servers…</p>}
      {servers.isError && <p role="alert">{servers.error.message}</p>}
      {servers.data?.length === 0 && <p>No server is mounted. List servers in rampart.yaml and restart.</p>}
      {servers.data && servers.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>
              Each server is reached through the gateway, with its auth, rate limits and audit.
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Health</th>
                <th scope="col">Tools</th>
                <th scope="col">Tool calls since start</th>
              </tr>
            </thead>
            <tbody>
              {servers.data.map((server) => (
                <ServerRow key={server.name} server={server} calls={metrics.data?.get(server.name)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
