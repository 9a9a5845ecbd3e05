import { randomBytes } from 'node:crypto';

/** The cookie binding a browser to its pending login (__Host- over https, like the session cookie). */
export const PENDING_COOKIE = {
  http: 'rampart-console-login',
  https: '__Host-rampart-console-login',
} as const;

/** How long a started login may wait for its callback, in ms (also the pending cookie's Max-Age). */
export const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;

/** What a started login remembers for its callback: none of it leaves this process but the state and the nonce. */
export interface PendingLogin {
  readonly state: string;
  readonly verifier: string;
  readonly nonce: string | undefined;
  readonly expiresAt: number;
}

/** 32 random bytes as base64url: a pending login's id, its state, its PKCE verifier, its nonce. */
const random = () => randomBytes(32).toString('base64url');

/**
 * The logins started and not yet called back, by the id their browser's cookie holds: at most MAX_PENDING (the
 * oldest dropped first), each for PENDING_TTL_MS, each used once.
 */
export class PendingLogins {
  readonly #logins = new Map<string, PendingLogin>();

  constructor(private readonly now: () => number) {}

  /** A new login (with a nonce when the sign-in asks for `openid`) and the id to set in the browser's cookie. */
  open(withNonce: boolean): { id: string; login: PendingLogin } {
    for (const [id, login] of this.#logins) if (login.expiresAt <= this.now()) this.#logins.delete(id);
    while (this.#logins.size >= MAX_PENDING) this.#logins.delete(this.#logins.keys().next().value as string);
    const id = random();
    const login: PendingLogin = {
      state: random(),
      verifier: random(),
      nonce: withNonce ? random() : undefined,
      expiresAt: this.now() + PENDING_TTL_MS,
    };
    this.#logins.set(id, login);
    return { id, login };
  }

  /** The login `id` names, which is spent whatever the callback brings. */
  take(id: string | undefined): PendingLogin | undefined {
    if (!id) return undefined;
    const login = this.#logins.get(id);
    this.#logins.delete(id);
    return login;
  }
}

/** The pending login's id from the request's cookies (the __Host- one first). */
export function pendingIdOf(request: Request): string | undefined {
  let found: string | undefined;
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === PENDING_COOKIE.https) return value.join('=');
    if (name === PENDING_COOKIE.http) found = value.join('=');
  }
  return found;
}
