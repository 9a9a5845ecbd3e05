import type { RunningGateway } from '../gateway/serve.js';

export interface ServedRegistry {
  readonly url: string;
  readonly movedFrom?: number;
}

const indent = (lines: readonly string[], by = '  ') => lines.map((line) => `${by}${line}`);

/** JSON on one line with spaces after colons and commas (a newline in JSON text only ever falls between tokens). */
const oneLine = (value: unknown) => JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');

/** A JSON object with one line per server, so that a block of several stays readable in a terminal. */
function jsonBlock(
  prefix: Record<string, unknown>,
  key: string,
  entries: readonly [string, unknown][],
): string[] {
  const head = Object.entries(prefix).map(([k, v]) => `  ${JSON.stringify(k)}: ${oneLine(v)},`);
  const body = entries.map(
    ([name, value], i) =>
      `    ${JSON.stringify(name)}: ${oneLine(value)}${i < entries.length - 1 ? ',' : ''}`,
  );
  return ['{', ...head, `  ${JSON.stringify(key)}: {`, ...body, '  }', '}'];
}

function group(title: string, lines: readonly string[]): string[] {
  return ['', title, ...indent(lines)];
}

const fromEnv = (source: string) => !source.startsWith('/');

function tokenWhere(source: string): string {
  return fromEnv(source) ? 'the RAMPART_TOKEN rampart serve was started with' : `cat ${source}`;
}

function tokenGroup(source: string): string[] {
  return group(
    'Token',
    fromEnv(source)
      ? [
          'Every request needs "Authorization: Bearer <token>"; the token is the RAMPART_TOKEN this gateway was',
          'started with. Export the same value where you run the snippets below (and where your client runs):',
          '  export RAMPART_TOKEN=<the same token>',
        ]
      : [
          `Every request needs "Authorization: Bearer <token>"; the token is in ${source} (mode 0600).`,
          'Export it where you run the snippets below (and where your client runs):',
          `  export RAMPART_TOKEN="$(cat ${source})"`,
        ],
  );
}

/**
 * What a newcomer needs to connect to `rampart serve`, in groups: the servers and their URLs, how to
 * authenticate, a snippet per server for Claude Code, .mcp.json and VS Code, and the embedded registry.
 */
export function startupMessage(gateway: RunningGateway, registry?: ServedRegistry): string {
  const oauth = gateway.auth.mode === 'oauth';
  const base = gateway.auth.mode === 'oauth' ? gateway.auth.resource : gateway.url;
  const mounts = gateway.servers.map((name) => ({ name, id: `rampart-${name}`, url: `${base}/mcp/${name}` }));
  const width = Math.max(...gateway.servers.map((name) => name.length));
  const lines = [`rampart: serving on ${gateway.url} (Ctrl-C stops, letting calls in flight finish)`];
  lines.push(
    ...group(
      'Servers',
      mounts.map((m) => `${m.name.padEnd(width)}  ${m.url}`),
    ),
  );

  lines.push(
    ...group('Console (in a browser)', [
      oauth
        ? `${base}/  sign in with an access token for ${base} (OAuth sign-in with PKCE is not built yet)`
        : `${base}/  sign in with the token below`,
    ]),
  );

  if (gateway.auth.mode === 'oauth') {
    lines.push(
      ...group('Auth', [
        `OAuth 2.1: access tokens from ${gateway.auth.issuer} for ${gateway.auth.resource}, scope read, write or admin.`,
        'MCP clients find the issuer from the 401 answer and sign in on first use.',
      ]),
    );
  } else {
    lines.push(...tokenGroup(gateway.auth.tokenSource));
  }

  const header = oauth ? '' : ' --header "Authorization: Bearer $RAMPART_TOKEN"';
  lines.push(
    ...group(
      'Claude Code',
      mounts.map((m) => `claude mcp add --transport http ${m.id} ${m.url}${header}`),
    ),
  );
  lines.push(
    ...group(
      `.mcp.json (Claude Code, shared with a project${oauth ? '' : '; reads RAMPART_TOKEN from the environment'})`,
      jsonBlock(
        {},
        'mcpServers',
        mounts.map((m) => [
          m.id,
          {
            type: 'http',
            url: m.url,
            ...(oauth ? {} : { headers: { Authorization: `Bearer \${RAMPART_TOKEN}` } }),
          },
        ]),
      ),
    ),
  );
  lines.push(
    ...group(
      `VS Code .vscode/mcp.json${oauth ? '' : ' (asks for the token once and keeps it)'}`,
      jsonBlock(
        oauth
          ? {}
          : {
              inputs: [
                {
                  type: 'promptString',
                  id: 'rampart-token',
                  description: `Rampart token (${tokenWhere(gateway.auth.tokenSource)})`,
                  password: true,
                },
              ],
            },
        'servers',
        mounts.map((m) => [
          m.id,
          {
            type: 'http',
            url: m.url,
            ...(oauth ? {} : { headers: { Authorization: `Bearer \${input:rampart-token}` } }),
          },
        ]),
      ),
    ),
  );

  if (registry) {
    lines.push(
      ...group('Schema Registry (embedded, SQLite)', [
        `${registry.url} — point Schema Registry clients here` +
          (registry.movedFrom ? ` (not port ${registry.movedFrom}, which is taken: see the warning)` : ''),
      ]),
    );
  }
  return lines.join('\n');
}
