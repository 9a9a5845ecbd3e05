import type { Prompt } from '@modelcontextprotocol/client';
import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { PromptForm } from '../components/prompt-form';
import { QueryStatus } from '../components/query-status';
import { ServerPageHeading } from '../components/resource-sections';
import { clientFor, listAll } from '../mcp';

interface PromptCatalog {
  /** Whether the server declares the prompts capability at all. */
  readonly offered: boolean;
  readonly completions: boolean;
  readonly prompts: readonly Prompt[];
}

/** Every prompt of a server, following pagination cursors, when it declares prompts. */
async function listPrompts(server: string): Promise<PromptCatalog> {
  const client = await clientFor(server);
  const capabilities = client.getServerCapabilities();
  const completions = Boolean(capabilities?.completions);
  if (!capabilities?.prompts) return { offered: false, completions, prompts: [] };
  const prompts = await listAll(
    (params) => client.listPrompts(params),
    (page) => page.prompts,
  );
  return { offered: true, completions, prompts };
}

export function PromptsPage() {
  const { name = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const catalog = useQuery({ queryKey: ['prompts', name], queryFn: () => listPrompts(name) });
  const selected = catalog.data?.prompts.find((p) => p.name === search.get('prompt'));

  return (
    <>
      <ServerPageHeading server={name} section="prompts" title="prompts" />
      <QueryStatus query={catalog} loading="Loading the prompts…" />
      {catalog.data && !catalog.data.offered && (
        <p className="empty">
          {name} offers no prompts: it does not declare the prompts capability. Its tools are in the
          playground.
        </p>
      )}
      {catalog.data?.offered && catalog.data.prompts.length === 0 && (
        <p className="empty">{name} lists no prompts.</p>
      )}
      {catalog.data?.offered && catalog.data.prompts.length > 0 && (
        <div className="playground">
          <nav aria-label="Prompts" className="tool-list">
            <h2>Prompts ({catalog.data.prompts.length})</h2>
            <ul>
              {catalog.data.prompts.map((prompt) => (
                <li key={prompt.name}>
                  <button
                    type="button"
                    aria-current={prompt === selected ? 'true' : undefined}
                    onClick={() => setSearch({ prompt: prompt.name })}
                  >
                    <span className="tool-name">{prompt.name}</span>
                    {(prompt.arguments?.length ?? 0) > 0 && (
                      <span className="badge">
                        {prompt.arguments?.length} argument{prompt.arguments?.length === 1 ? '' : 's'}
                      </span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <section className="tool-panel" aria-label="Selected prompt">
            {selected ? (
              <PromptForm
                key={selected.name}
                server={name}
                prompt={selected}
                completions={catalog.data.completions}
              />
            ) : (
              <p>Choose a prompt to fill in its arguments and see its messages.</p>
            )}
          </section>
        </div>
      )}
    </>
  );
}
