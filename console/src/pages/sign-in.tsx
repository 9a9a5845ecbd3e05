import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { AuthMode } from '../api';
import { useSession } from '../session';

/**
 * Why a sign-in through the authorization server failed, by the code the gateway's callback puts in
 * `?signin_error=`: the page shows only these fixed sentences, so nothing in the URL is ever reflected.
 */
const SIGN_IN_ERRORS: Readonly<Record<string, string>> = {
  access_denied: 'The authorization server did not grant the sign-in: it was cancelled or refused there.',
  authorization_failed: 'The authorization server refused the sign-in request.',
  state_mismatch:
    "That answer from the authorization server was not for this browser's sign-in, so it was refused. Start again here.",
  no_pending_login:
    'No sign-in was under way in this browser (or its answer was already used). Start again here.',
  expired: 'The sign-in took longer than 10 minutes and has expired. Start again here.',
  exchange_failed:
    'The gateway could not redeem the sign-in at the authorization server. Try again; the audit log says why.',
  token_refused:
    'The authorization server issued a token this gateway does not accept (another audience, or no Rampart scope).',
  rate_limited: 'Too many sign-in attempts. Wait a minute and try again.',
  unavailable: 'Signing in through an authorization server is not configured on this gateway.',
};

/** Whether the gateway offers the code-flow sign-in, and through which issuer. */
async function oauthSignIn(): Promise<{ available: boolean; issuer?: string }> {
  const response = await fetch('/console/api/oauth', { credentials: 'same-origin', redirect: 'error' });
  if (!response.ok) return { available: false };
  return (await response.json()) as { available: boolean; issuer?: string };
}

/**
 * The token is read from the field once, on submit, and sent in a POST body (the form's method is POST, so not
 * even a failed script could put it in a URL); the field is not controlled by React, so no value attribute
 * ever holds it, and the form is gone once signed in.
 */
export function SignInPage({ authMode, notice }: { authMode: AuthMode; notice?: string | undefined }) {
  const { signIn } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [params, setParams] = useSearchParams();
  const code = params.get('signin_error');
  const [oauthError] = useState(() =>
    code && Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code] : undefined,
  );
  // The code has been read: a reload should not show it again.
  useEffect(() => {
    if (code !== null) setParams({}, { replace: true });
  }, [code, setParams]);
  const offered = useQuery({
    queryKey: ['oauth-sign-in'],
    queryFn: oauthSignIn,
    enabled: authMode === 'oauth',
  });

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
      {oauthError && (
        <p role="alert" className="error">
          {oauthError}
        </p>
      )}
      {offered.data?.available && (
        // A link, not a form: CSP form-action would stop a form's redirect to the authorization server.
        <p>
          <a className="btn-info sign-in-with" href="/console/api/oauth/start" aria-describedby="oauth-help">
            Sign in with {offered.data.issuer}
          </a>
          <span id="oauth-help" className="help">
            {' '}
            at your authorization server, with PKCE: the gateway keeps the tokens and gives this browser only
            a session cookie. Or paste an access token below.
          </span>
        </p>
      )}
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
    </main>
  );
}
