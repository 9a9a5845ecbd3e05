import { useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet } from 'react-router';
import { SignInPage } from './pages/sign-in';
import { useSession } from './session';

/** Every page: the sign-in page until signed in, then the navigation and the page. */
export function Layout() {
  const { session, signOut } = useSession();
  const queries = useQueryClient();

  if (session.status === 'loading') return <p className="status">Loading…</p>;
  if (session.status === 'unreachable')
    return (
      <main className="narrow">
        <h1>Rampart console</h1>
        <p role="alert">The gateway did not answer: {session.reason}</p>
      </main>
    );
  if (session.status === 'signed-out')
    return <SignInPage authMode={session.authMode} notice={session.notice} />;

  return (
    <>
      <header className="top">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <span className="brand">Rampart console</span>
        <nav aria-label="Main">
          <NavLink to="/servers" end={false}>
            Servers
          </NavLink>
          <NavLink to="/audit">Audit</NavLink>
          <NavLink to="/charts">Metrics</NavLink>
          <NavLink to="/registry">Schema Registry</NavLink>
          <NavLink to="/generator">Generator</NavLink>
          <NavLink to="/assistant">Assistant</NavLink>
        </nav>
        <span className="who">Signed in as {session.state.principal?.clientId ?? 'unknown'}</span>
        <button
          type="button"
          onClick={() => {
            queries.clear();
            void signOut();
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
