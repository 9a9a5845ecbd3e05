import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { Annotations } from '../components/annotations';
import { QueryStatus } from '../components/query-status';
import { ServerPageHeading } from '../components/resource-sections';
import { ToolRunner } from '../components/tool-runner';
import { listTools } from '../tools';

export function PlaygroundPage() {
  const { name = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const tools = useQuery({ queryKey: ['tools', name], queryFn: () => listTools(name) });
  const selected = tools.data?.find((t) => t.name === search.get('tool'));

  return (
    <>
      <ServerPageHeading server={name} title="tool playground" />
      <QueryStatus query={tools} loading="Loading the tools…" />
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
