import { type AuditSink, noAudit, openAuditLog } from '../core/audit.js';
import { ConfigError } from '../core/config.js';
import { bindHttp, drainHttp } from '../core/listen.js';
import { createLogger } from '../core/log.js';
import { Metrics } from '../core/metrics.js';
import { isLoopbackBind } from '../guards/http.js';
import { createGatewayApp } from './app.js';
import { type Authenticator, localAuthenticator, oauthAuthenticator } from './auth.js';
import type { GatewayConfig, ServerEntry } from './config.js';
import { assistantSettings } from './console-assistant.js';
import { AuditFeed, tapAudit } from './console-audit-feed.js';
import { MetricsHistory, observeInto } from './console-metrics-history.js';
import { prepareConsoleOAuth } from './console-oauth.js';
import { buildMount, type Mount } from './mounts.js';
import { assertSecureUrl, discoverJwksUri } from './oauth.js';
import { createRateLimiter } from './rate-limit.js';
import { localToken } from './token.js';

export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly servers: readonly string[];
  /** How callers authenticate, for the start-up message (never the token itself). */
  readonly auth:
    | { readonly mode: 'local'; readonly tokenSource: string }
    | { readonly mode: 'oauth'; readonly issuer: string; readonly resource: string };
  /**
   * Stops accepting connections, lets calls in flight finish (for up to drainSeconds, after which their
   * connections are closed), then closes the handlers, the rate limiter and the audit log.
   */
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly config: GatewayConfig;
  readonly servers: readonly ServerEntry[];
  /** Where the servers came from, for error messages (the rampart.yaml path, or "the defaults"). */
  readonly source: string;
  readonly env?: Record<string, string | undefined>;
}

function checkNames(servers: readonly ServerEntry[], source: string): void {
  const names = new Set<string>();
  for (const entry of servers) {
    if (names.has(entry.name)) throw new ConfigError(`${source}: two servers are named "${entry.name}"`);
    names.add(entry.name);
  }
}

export async function startGateway({ config, servers, source, env }: ServeOptions): Promise<RunningGateway> {
  const exposed = !isLoopbackBind(config.host);
  if (exposed && !config.oauthIssuer) {
    throw new ConfigError(
      `refusing to bind ${config.host}: only loopback addresses are served with the local token; a network-facing gateway needs OAuth (set oauthIssuer)`,
    );
  }
  if (exposed && !config.oauthResource) {
    throw new ConfigError(
      `oauthResource is required when binding ${config.host}: set it to the public URL clients use (tokens are issued for it)`,
    );
  }
  checkNames(servers, source);
  // Read before anything opens: a half-configured assistant stops the start with the variable to fix.
  const assistant = assistantSettings(env ?? process.env);
  const log = createLogger({ level: config.logLevel, scope: 'gateway' });
  const credentials = config.oauthIssuer
    ? {
        mode: 'oauth' as const,
        issuer: config.oauthIssuer,
        jwksUri: config.oauthJwksUri
          ? assertSecureUrl(config.oauthJwksUri, 'oauthJwksUri').href
          : await discoverJwksUri(config.oauthIssuer),
      }
    : { mode: 'local' as const, ...(await localToken(config.tokenFile, env)) };
  const consoleOAuth = await prepareConsoleOAuth(
    config,
    credentials.mode === 'oauth' ? credentials.jwksUri : undefined,
    env ?? process.env,
  );

  // Everything opened from here on is closed again if a later step fails, so a failed start leaves nothing
  // running (an open database pool would keep the process alive).
  const opened: { close(): Promise<void> }[] = [];
  const closeOpened = () => Promise.all(opened.map((resource) => resource.close()));
  let mounts: Mount[];
  let rateLimit: Awaited<ReturnType<typeof createRateLimiter>>;
  let audit: AuditSink;
  let bound: Awaited<ReturnType<typeof bindHttp>>;
  const metrics = new Metrics();
  const auditFeed = new AuditFeed();
  const metricsHistory = new MetricsHistory();
  // The resource URL may be the address just bound, so the app is built once the port is known.
  let app: ReturnType<typeof createGatewayApp> | undefined;
  try {
    rateLimit = await createRateLimiter(
      {
        points: config.rateLimitRequests,
        durationSeconds: config.rateLimitWindowSeconds,
        redisUrl: config.redisUrl,
        keyPrefix: config.redisKeyPrefix,
      },
      log,
    );
    opened.push(rateLimit);
    audit = tapAudit(config.auditLog ? await openAuditLog(config.auditLog) : noAudit, auditFeed);
    opened.push(audit);
    const context = {
      audit,
      // The servers' calls reach /metrics and the console's last-hour history from one observation.
      metrics: observeInto(metrics, metricsHistory),
      logLevel: config.logLevel,
      maxRequestBytes: config.maxRequestBytes,
      source,
    };
    mounts = [];
    for (const entry of servers) {
      const mount = await buildMount(entry, context);
      mounts.push(mount);
      opened.push(mount);
    }
    bound = await bindHttp(config, (request) =>
      app ? app.fetch(request) : new Response('starting', { status: 503, headers: { 'retry-after': '1' } }),
    );
  } catch (error) {
    await closeOpened();
    throw error;
  }
  const { server, url } = bound;
  const resource = (config.oauthResource ?? url).replace(/\/$/, '');
  const auth: Authenticator =
    credentials.mode === 'oauth'
      ? oauthAuthenticator({
          settings: {
            issuer: credentials.issuer,
            algorithms: config.oauthAlgorithms,
            clockToleranceSeconds: config.oauthClockToleranceSeconds,
          },
          jwksUri: credentials.jwksUri,
          resource,
          audiences: config.oauthAudiences,
          mounts: mounts.map((m) => m.name),
          onServerError: (error) =>
            log.error('cannot verify tokens: the issuer signing keys are unavailable', {
              error: (error as Error).message,
            }),
        })
      : localAuthenticator(credentials.token);
  app = createGatewayApp({
    mounts,
    auth,
    // The public host of the resource is, by definition, a name clients use to reach this gateway.
    allowedHosts: [...config.allowedHosts, new URL(resource).hostname],
    allowedOrigins: config.allowedOrigins,
    metrics,
    rateLimiter: rateLimit.limiter,
    maxRequestBytes: config.maxRequestBytes,
    audit,
    authMode: credentials.mode,
    console: {
      servers: servers.map(({ name, kind }) => ({
        name,
        kind,
        offer: mounts.find((m) => m.name === name)?.offer,
      })),
      auditFeed,
      metricsHistory,
      ...(assistant ? { assistant } : {}),
      ...(config.oauthResource ? { publicOrigin: new URL(config.oauthResource).origin } : {}),
      ...(consoleOAuth ? { oauth: consoleOAuth(resource) } : {}),
    },
  });

  return {
    url,
    servers: mounts.map((m) => m.name),
    auth:
      credentials.mode === 'local'
        ? { mode: 'local', tokenSource: credentials.source }
        : { mode: 'oauth', issuer: credentials.issuer, resource },
    async close() {
      auditFeed.close();
      await drainHttp(server, config.drainSeconds);
      // Handlers and pools first, then the rate limiter and the audit log they write to.
      await Promise.all(mounts.map((m) => m.close()));
      await rateLimit.close();
      await audit.close();
    },
  };
}
