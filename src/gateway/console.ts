import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Env, Hono } from 'hono';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuditSink } from '../core/audit.js';
import type { Authenticator } from './auth.js';
import { type ConsoleServer, consoleApi } from './console-api.js';
import type { AssistantSettings } from './console-assistant.js';
import type { AuditStreamSettings } from './console-audit.js';
import { AuditFeed } from './console-audit-feed.js';
import { MetricsHistory } from './console-metrics-history.js';
import { type ConsoleOAuthSettings, consoleOAuthApi, signInCostOf } from './console-oauth.js';
import { sessionIdOf, sessionOf } from './console-request.js';
import { ConsoleSessions } from './console-session.js';
import { consoleFileResponse, DEFAULT_CONSOLE_DIR, loadConsoleAssets } from './console-static.js';

export interface ConsoleOptions {
  /** The built console (default: dist/console of this installation). */
  readonly dir?: string;
  /** Where sign-ins are kept (default: in memory, with the default expiry and cap). */
  readonly sessions?: ConsoleSessions;
  /** The mounted servers and their kinds, for the servers page. */
  readonly servers?: readonly ConsoleServer[];
  /** The public origin (scheme://host[:port]) browsers reach the gateway at, when it is not the bound address. */
  readonly publicOrigin?: string;
  /** The audit records the gateway's sink publishes (see tapAudit); without it the audit page shows none. */
  readonly auditFeed?: AuditFeed;
  readonly auditStream?: AuditStreamSettings;
  /** The last hour of tool calls (fed by observeInto); without it the metrics page shows none. */
  readonly metricsHistory?: MetricsHistory;
  /** Signing in through the authorization server (code flow with PKCE); without it only a pasted token signs in. */
  readonly oauth?: ConsoleOAuthSettings;
  /** The assistant's chat endpoint (from RAMPART_LLM_*); without it the assistant page says how to enable it. */
  readonly assistant?: AssistantSettings;
}

export interface ConsoleContext {
  readonly auth: Authenticator;
  readonly authMode: 'local' | 'oauth';
  readonly rateLimiter: RateLimiterAbstract;
  readonly audit: AuditSink;
}

export interface Console {
  /**
   * For a request carrying no Authorization header but a console session cookie: the principal who signed that
   * session in, or the refusal (another origin, an ended session, a missing or wrong CSRF token). Undefined
   * when the request is not a console one, so that the gateway's bearer check decides.
   */
  principal(request: Request): AuthInfo | Response | undefined;
  /** Registers the console's API and files; after the gateway's own routes. */
  mount<E extends Env>(app: Hono<E>): void;
}

export function createConsole(options: ConsoleOptions, context: ConsoleContext): Console {
  const sessions = options.sessions ?? new ConsoleSessions();
  const assets = loadConsoleAssets(options.dir ?? DEFAULT_CONSOLE_DIR);
  const api = consoleApi({
    ...context,
    sessions,
    servers: options.servers ?? [],
    publicOrigin: options.publicOrigin,
    auditFeed: options.auditFeed ?? new AuditFeed(),
    auditStream: options.auditStream,
    metricsHistory: options.metricsHistory ?? new MetricsHistory(),
    assistant: options.assistant,
  });
  const oauth = consoleOAuthApi({
    ...context,
    settings: options.oauth,
    sessions,
    signInCost: signInCostOf(context.rateLimiter),
    publicOrigin: options.publicOrigin,
  });
  return {
    principal(request) {
      if (request.headers.has('authorization') || sessionIdOf(request) === undefined) return undefined;
      const session = sessionOf(request, sessions, options.publicOrigin);
      return session instanceof Response ? session : session.principal;
    },
    mount(app) {
      app.route('/console/api/oauth', oauth);
      app.route('/console/api', api);
      // The app for / and any page navigation; anything else is left to the gateway's 404.
      app.get('*', async (c) => consoleFileResponse(c.req.raw, await assets) ?? c.notFound());
    },
  };
}
