import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { Annotations } from '../components/annotations';
import { ServerSections } from '../components/resource-sections';
import { ToolRunner } from '../components/tool-runner';
import { listTools } from '../tools';

export function PlaygroundPage() {
  const { name = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const tools = useQuery({ queryKey: ['tools', name], queryFn: () => listTools(name) });
  const selected = tools.data?.find((t) => t.name === search.get('tool'));

  return (
    <>
      <p className="crumbs">
        <Link to="/servers">Servers</Link> / {name}
      </p>
      <h1>{name}: tool playground</h1>
      <ServerSections server={name} />
      {tools.isPending && <p className="status">Loading the tools…</p>}
      {tools.isError && <p role="alert">{tools.error.message}</p>}
      {tools.data && (
        <div className="playground">
          <nav aria-label="Tools" className="tool-list">
            <h2>Tools ({tools.data.length})</h2>
            <ul>
              {tools.data.map((tool) => (
                <li key={tool.name}>
                  <button
                    type="button"
                    aria-current={tool.name === selected?.name ? 'true' : undefined}
                    onClick={() => setSearch({ tool: tool.name })}
                  >
                    <span className="tool-name">{tool.name}</span>
                    <Annotations tool={tool} compact />
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <section className="tool-panel" aria-label="Selected tool">
            {selected ? (
              <ToolRunner key={selected.name} server={name} tool={selected} />
            ) : (
              <p>Choose a tool to see its description and call it.</p>
            )}
          </section>
        </div>
      )}
    </>
  );
}
