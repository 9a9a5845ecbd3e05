import { describe, expect, it } from 'vitest';
import type { RunningGateway } from '../gateway/serve.js';
import { startupMessage } from './serve-message.js';

function gateway(auth: RunningGateway['auth']): RunningGateway {
  return { url: 'http://127.0.0.1:8787', servers: ['code', 'db'], auth, close: async () => {} };
}

describe('the rampart serve start-up message', () => {
  it('with RAMPART_TOKEN set, says to export the same value rather than read a file', () => {
    const text = startupMessage(
      gateway({ mode: 'local', tokenSource: 'the RAMPART_TOKEN environment variable' }),
    );
    expect(text).toContain('the token is the RAMPART_TOKEN this gateway was');
    expect(text).toContain('export RAMPART_TOKEN=<the same token>');
    expect(text).not.toContain('$(cat');
    expect(text).not.toContain('Schema Registry');
  });

  it('names the console address, and how to sign in to it', () => {
    const local = startupMessage(gateway({ mode: 'local', tokenSource: '/home/me/.rampart/token' }));
    expect(local).toContain(
      'Console (in a browser)\n  http://127.0.0.1:8787/  sign in with the token below\n',
    );
    const oauth = startupMessage(
      gateway({ mode: 'oauth', issuer: 'https://login.example.com/', resource: 'https://mcp.example.com' }),
    );
    expect(oauth).toContain(
      'https://mcp.example.com/  sign in with an access token for https://mcp.example.com',
    );
  });

  it('in OAuth mode, gives the public URLs and snippets without a token header', () => {
    const text = startupMessage(
      gateway({ mode: 'oauth', issuer: 'https://login.example.com/', resource: 'https://mcp.example.com' }),
    );
    expect(text).toContain(
      'OAuth 2.1: access tokens from https://login.example.com/ for https://mcp.example.com',
    );
    expect(text).toContain('claude mcp add --transport http rampart-code https://mcp.example.com/mcp/code\n');
    expect(text).not.toMatch(/RAMPART_TOKEN|Authorization|inputs/);
    const block = text.split('.mcp.json (Claude Code, shared with a project)\n')[1]?.split('\n\n')[0] ?? '';
    expect(JSON.parse(block)).toEqual({
      mcpServers: {
        'rampart-code': { type: 'http', url: 'https://mcp.example.com/mcp/code' },
        'rampart-db': { type: 'http', url: 'https://mcp.example.com/mcp/db' },
      },
    });
  });

  it('puts the registry in a group of its own, and says when it moved', () => {
    const text = startupMessage(gateway({ mode: 'local', tokenSource: '/home/me/.rampart/token' }), {
      url: 'http://127.0.0.1:40000',
      movedFrom: 8081,
    });
    expect(
      text.endsWith(
        '\n\nSchema Registry (embedded, SQLite)\n  http://127.0.0.1:40000 — point Schema Registry clients here ' +
          '(not port 8081, which is taken: see the warning)',
      ),
    ).toBe(true);
  });
});
