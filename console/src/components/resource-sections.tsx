import { Link, NavLink } from 'react-router';

/** Links between one server's pages: its tools (the playground), its resources and its prompts. */
export function ServerSections({ server }: { server: string }) {
  const base = `/servers/${encodeURIComponent(server)}`;
  return (
    <nav className="sections" aria-label={`${server} sections`}>
      <NavLink to={base} end>
        Tools
      </NavLink>
      <NavLink to={`${base}/resources`}>Resources</NavLink>
      <NavLink to={`${base}/prompts`}>Prompts</NavLink>
    </nav>
  );
}

/** The head of one server's page: the crumbs back to Servers, the page's title and the links between its sections. */
export function ServerPageHeading({
  server,
  section,
  title,
}: {
  server: string;
  section?: string;
  title: string;
}) {
  return (
    <>
      <p className="crumbs">
        <Link to="/servers">Servers</Link> / {server}
        {section ? ` / ${section}` : ''}
      </p>
      <h1>
        {server}: {title}
      </h1>
      <ServerSections server={server} />
    </>
  );
}
