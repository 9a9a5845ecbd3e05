import { NavLink } from 'react-router';

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
