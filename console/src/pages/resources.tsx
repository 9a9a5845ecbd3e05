import type { Resource, ResourceTemplateType } from '@modelcontextprotocol/client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { QueryStatus } from '../components/query-status';
import { ResourceContents } from '../components/resource-contents';
import { ServerPageHeading } from '../components/resource-sections';
import { ResourceTemplateForm } from '../components/resource-template-form';
import { clientFor, listAll } from '../mcp';

interface Catalog {
  /** Whether the server declares the resources capability at all. */
  readonly offered: boolean;
  readonly completions: boolean;
  readonly resources: readonly Resource[];
  readonly templates: readonly ResourceTemplateType[];
}

/** Every resource and template of a server, following pagination cursors, when it declares resources. */
async function listCatalog(server: string): Promise<Catalog> {
  const client = await clientFor(server);
  const capabilities = client.getServerCapabilities();
  const completions = Boolean(capabilities?.completions);
  if (!capabilities?.resources) return { offered: false, completions, resources: [], templates: [] };
  const resources = await listAll(
    (params) => client.listResources(params),
    (page) => page.resources,
  );
  const templates = await listAll(
    (params) => client.listResourceTemplates(params),
    (page) => page.resourceTemplates,
  );
  return { offered: true, completions, resources, templates };
}

/** One resource read, shown as text or as a blob to download; read again on request. */
function ResourceRead({ server, uri }: { server: string; uri: string }) {
  const read = useQuery({
    queryKey: ['resource', server, uri],
    queryFn: async () => (await clientFor(server)).readResource({ uri }, { cacheMode: 'bypass' }),
  });
  return (
    <div aria-live="polite" className="resource-read">
      {read.isFetching && <p className="status">Reading {uri}…</p>}
      {read.isError && (
        <section className="result failed" aria-label="Read failed">
          <h3>Read failed</h3>
          <pre className="text">{read.error.message}</pre>
        </section>
      )}
      {read.data && !read.isFetching && (
        <section className="result" aria-label="Resource contents">
          <h3>Contents</h3>
          <p>
            <button type="button" onClick={() => void read.refetch()}>
              Read again
            </button>
          </p>
          <ResourceContents contents={read.data.contents} />
        </section>
      )}
    </div>
  );
}

function ResourcePanel({ server, resource }: { server: string; resource: Resource }) {
  return (
    <>
      <h2>{resource.title ?? resource.name}</h2>
      <p className="tool-id">
        <code>{resource.uri}</code> {resource.mimeType && <span className="badge">{resource.mimeType}</span>}
        {resource.size !== undefined && <span className="badge">{resource.size} bytes</span>}
      </p>
      {resource.title && resource.title !== resource.name && <p>Name: {resource.name}</p>}
      {resource.description && <p className="description">{resource.description}</p>}
      <ResourceRead key={resource.uri} server={server} uri={resource.uri} />
    </>
  );
}

function TemplatePanel(props: { server: string; template: ResourceTemplateType; completions: boolean }) {
  const { template } = props;
  const [uri, setUri] = useState<string>();
  return (
    <>
      <h2>{template.title ?? template.name}</h2>
      <p className="tool-id">
        <code>{template.uriTemplate}</code>{' '}
        {template.mimeType && <span className="badge">{template.mimeType}</span>}
      </p>
      {template.description && <p className="description">{template.description}</p>}
      <ResourceTemplateForm
        server={props.server}
        template={template}
        completions={props.completions}
        onRead={setUri}
      />
      {uri && <ResourceRead key={uri} server={props.server} uri={uri} />}
    </>
  );
}

export function ResourcesPage() {
  const { name = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const catalog = useQuery({ queryKey: ['resources', name], queryFn: () => listCatalog(name) });
  const chosenUri = search.get('uri');
  const chosenTemplate = search.get('template');
  const resource = catalog.data?.resources.find((r) => r.uri === chosenUri);
  const template = catalog.data?.templates.find((t) => t.uriTemplate === chosenTemplate);
  const empty = catalog.data?.offered && catalog.data.resources.length + catalog.data.templates.length === 0;
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = (catalog.data?.resources ?? []).filter(
    (r) => !needle || `${r.name}\n${r.title ?? ''}\n${r.uri}`.toLowerCase().includes(needle),
  );
  const total = catalog.data?.resources.length ?? 0;

  return (
    <>
      <ServerPageHeading server={name} section="resources" title="resources" />
      <QueryStatus query={catalog} loading="Loading the resources…" />
      {catalog.data && !catalog.data.offered && (
        <p className="empty">
          {name} offers no resources: it does not declare the resources capability. Its tools are in the
          playground.
        </p>
      )}
      {empty && <p className="empty">{name} lists no resources and no resource templates.</p>}
      {catalog.data?.offered && !empty && (
        <div className="playground">
          <nav aria-label="Resources" className="tool-list">
            <h2>Templates ({catalog.data.templates.length})</h2>
            <ul>
              {catalog.data.templates.map((t) => (
                <li key={t.uriTemplate}>
                  <button
                    type="button"
                    aria-current={t === template ? 'true' : undefined}
                    onClick={() => setSearch({ template: t.uriTemplate })}
                  >
                    <span className="tool-name">{t.uriTemplate}</span>
                  </button>
                </li>
              ))}
            </ul>
            <h2>Resources ({shown.length === total ? total : `${shown.length} of ${total}`})</h2>
            {total > 0 && (
              <div className="field">
                <label htmlFor="resource-filter">Filter</label>
                <input
                  id="resource-filter"
                  type="search"
                  value={filter}
                  placeholder="name or URI"
                  onChange={(event) => setFilter(event.target.value)}
                />
              </div>
            )}
            <ul>
              {shown.map((r) => (
                <li key={r.uri}>
                  <button
                    type="button"
                    aria-current={r === resource ? 'true' : undefined}
                    onClick={() => setSearch({ uri: r.uri })}
                  >
                    <span className="tool-name">{r.name}</span>
                    {r.mimeType && <span className="badge">{r.mimeType}</span>}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <section className="tool-panel" aria-label="Selected resource">
            {resource ? (
              <ResourcePanel server={name} resource={resource} />
            ) : template ? (
              <TemplatePanel
                key={template.uriTemplate}
                server={name}
                template={template}
                completions={catalog.data.completions}
              />
            ) : (
              <p>Choose a resource to read it, or a template to fill in.</p>
            )}
          </section>
        </div>
      )}
    </>
  );
}
