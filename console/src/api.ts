/**
 * The console's calls to its own gateway. The CSRF token lives in this module's memory only: never in
 * localStorage, sessionStorage, a cookie or a URL, so a reload asks the server for it again (from the HttpOnly
 * cookie, which this script cannot read). The token pasted at sign-in is sent once and kept nowhere.
 */

export const CSRF_HEADER = 'X-Rampart-CSRF';

let csrfToken: string | undefined;
let onSignedOut: () => void = () => {};

export type AuthMode = 'local' | 'oauth';

export interface SessionState {
  readonly signedIn: boolean;
  readonly authMode: AuthMode;
  readonly expiresAt?: string;
  readonly principal?: { readonly clientId: string; readonly scopes: readonly string[] };
}

interface SessionAnswer extends SessionState {
  readonly csrfToken?: string;
}

/** The tools a mount registers and those its operator's selection (tools, excludeTools, readOnly) left out. */
export interface ToolOffer {
  readonly offered: readonly string[];
  readonly excluded: readonly string[];
  readonly readOnly: boolean;
}

export interface ServerInfo {
  readonly name: string;
  readonly kind: string;
  readonly offer?: ToolOffer;
}

/** A refusal from the gateway, with its one-line reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the gateway says the session has ended, so the app shows the sign-in page. */
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

/** Headers every console request to the gateway carries: the CSRF token of this session. */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { [CSRF_HEADER]: csrfToken } : {};
}

/** fetch with the session's CSRF header, same-origin credentials, and sign-out when the session has ended. */
export async function consoleFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(csrfHeaders())) headers.set(name, value);
  const response = await fetch(input, { ...init, headers, credentials: 'same-origin', redirect: 'error' });
  if (response.status === 401 && csrfToken) {
    csrfToken = undefined;
    onSignedOut();
  }
  return response;
}

export async function reasonOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error_description?: unknown; error?: { message?: unknown } };
    if (typeof body.error_description === 'string') return body.error_description;
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: the status says enough
  }
  return `the gateway answered ${response.status}`;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await consoleFetch(`/console/api${path}`, init);
  if (!response.ok) throw new ApiError(response.status, await reasonOf(response));
  return (await response.json()) as T;
}

function keep(answer: SessionAnswer): SessionState {
  const { csrfToken: token, ...state } = answer;
  csrfToken = answer.signedIn ? token : undefined;
  return state;
}

export async function currentSession(): Promise<SessionState> {
  return keep(await api<SessionAnswer>('/session'));
}

export async function signIn(token: string): Promise<SessionState> {
  return keep(
    await api<SessionAnswer>('/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    }),
  );
}

export async function signOut(): Promise<SessionState> {
  try {
    return keep(await api<SessionAnswer>('/session', { method: 'DELETE' }));
  } finally {
    csrfToken = undefined;
  }
}

export async function listServers(): Promise<readonly ServerInfo[]> {
  return (await api<{ servers: ServerInfo[] }>('/servers')).servers;
}

/** The gateway's Prometheus text (/metrics), read with the session like any other authenticated request. */
export async function metricsText(): Promise<string> {
  const response = await consoleFetch('/metrics');
  if (!response.ok) throw new ApiError(response.status, await reasonOf(response));
  return response.text();
}
