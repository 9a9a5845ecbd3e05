import { randomBytes } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/server';

export interface ConsoleSession {
  /** The cookie's value: 256 random bits, known only to the browser that signed in. */
  readonly id: string;
  /** Sent back by the app in a header on every request; a page of another origin cannot read it. */
  readonly csrfToken: string;
  /** Who signed in: the identity the token presented at sign-in was verified as. */
  readonly principal: AuthInfo;
  /** Epoch ms after which the session is gone, however active. */
  readonly expiresAt: number;
  lastSeen: number;
}

export interface ConsoleSessionSettings {
  /** A session unused this long ends (default 30 minutes). */
  readonly idleSeconds?: number;
  /** A session ends this long after sign-in, however active (default 8 hours). */
  readonly maxAgeSeconds?: number;
  /** Sessions kept at once; signing in past it ends the oldest (default 1000). */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

/**
 * The console's sessions, in this gateway's memory: a restart signs everyone out, and behind a load balancer a
 * browser must stay on the instance it signed in to (the console's calls to /mcp/* still go through any
 * instance's auth). Ids are random, never derived from the token; expired sessions are dropped when seen and
 * before each new one is made.
 */
export class ConsoleSessions {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(settings: ConsoleSessionSettings = {}) {
    this.idleMs = (settings.idleSeconds ?? 30 * 60) * 1000;
    this.maxAgeMs = (settings.maxAgeSeconds ?? 8 * 60 * 60) * 1000;
    this.max = settings.maxSessions ?? 1000;
    this.now = settings.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  create(principal: AuthInfo): ConsoleSession {
    const now = this.now();
    for (const session of this.sessions.values())
      if (this.expired(session, now)) this.sessions.delete(session.id);
    // A Map keeps insertion order: the first key is the oldest session.
    while (this.sessions.size >= this.max) this.sessions.delete(this.sessions.keys().next().value as string);
    // An OAuth principal's session ends when its token does.
    const tokenEnd =
      principal.expiresAt === undefined ? Number.POSITIVE_INFINITY : principal.expiresAt * 1000;
    const session: ConsoleSession = {
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(32).toString('base64url'),
      principal,
      expiresAt: Math.min(now + this.maxAgeMs, tokenEnd),
      lastSeen: now,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, marked as used now; undefined (and forgotten) once it has expired. */
  find(id: string): ConsoleSession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.now();
    if (this.expired(session, now)) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  /** Whether the session is still live, without marking it used: an open audit stream must not keep it alive. */
  isLive(id: string): boolean {
    const session = this.sessions.get(id);
    return session !== undefined && !this.expired(session, this.now());
  }

  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  private expired(session: ConsoleSession, now: number): boolean {
    return now >= session.expiresAt || now - session.lastSeen >= this.idleMs;
  }
}
