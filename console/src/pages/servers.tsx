import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { listServers, type ServerInfo } from '../api';
import { listTools } from '../tools';

function ServerRow({ server }: { server: ServerInfo }) {
  const tools = useQuery({
    queryKey: ['health', server.name],
    queryFn: async () => {
      const started = performance.now();
      const list = await listTools(server.name);
      return { count: list.length, ms: Math.round(performance.now() - started) };
    },
  });
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
      <td className="number">{tools.data?.count ?? '–'}</td>
    </tr>
  );
}

export function ServersPage() {
  const servers = useQuery({ queryKey: ['servers'], queryFn: listServers });
  return (
    <>
      <h1>Servers</h1>
      {servers.isPending && <p className="status">Loading the servers…</p>}
      {servers.isError && <p role="alert">{servers.error.message}</p>}
      {servers.data?.length === 0 && <p>No server is mounted. List servers in rampart.yaml and restart.</p>}
      {servers.data && servers.data.length > 0 && (
        <table>
          <caption>Each server is reached through the gateway, with its auth, rate limits and audit.</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Health</th>
              <th scope="col">Tools</th>
            </tr>
          </thead>
          <tbody>
            {servers.data.map((server) => (
              <ServerRow key={server.name} server={server} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
