import { type FormEvent, useState } from 'react';
import type { AuthMode } from '../api';
import { useSession } from '../session';

/**
 * The token is read from the field once, on submit, and sent in a POST body (the form's method is POST, so not
 * even a failed script could put it in a URL); the field is not controlled by React, so no value attribute
 * ever holds it, and the form is gone once signed in.
 */
export function SignInPage({ authMode, notice }: { authMode: AuthMode; notice?: string | undefined }) {
  const { signIn } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const token = new FormData(form).get('token');
    if (typeof token !== 'string' || token.trim() === '') return;
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token);
    } catch (failure) {
      form.reset();
      setError((failure as Error).message);
      setBusy(false);
    }
  };

  return (
    <main className="narrow" id="main">
      <h1>Sign in to Rampart</h1>
      {notice && <p className="notice">{notice}</p>}
      <form method="post" onSubmit={submit}>
        <label htmlFor="token">{authMode === 'oauth' ? 'Access token' : 'Gateway token'}</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          aria-describedby="token-help"
        />
        <p id="token-help" className="help">
          {authMode === 'oauth'
            ? 'Paste an access token your authorization server issued for this gateway.'
            : "Paste the gateway's token: the RAMPART_TOKEN it was started with, or the one in ~/.rampart/token (rampart serve says which)."}{' '}
          It is sent once to the gateway, which gives this browser a session cookie that scripts cannot read;
          the page keeps no copy.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
      {authMode === 'oauth' && (
        <p className="help">
          Signing in through your authorization server (OAuth with PKCE) is not built yet.
        </p>
      )}
    </main>
  );
}
