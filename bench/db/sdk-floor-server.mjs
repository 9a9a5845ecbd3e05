// The SDK v2 floor for db: a bare @modelcontextprotocol/server with one `query` tool doing exactly what the
// reference server does (BEGIN READ ONLY, the statement, a ROLLBACK it does not wait for, indented JSON text).
// The reference minus this is what the SDK generation costs; Rampart minus this is Rampart's own cost.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import pg from 'pg';
import { z } from 'zod';

const url = process.argv[2];
if (!url) throw new Error('usage: sdk-floor-server.mjs <postgres url>');
const pool = new pg.Pool({ connectionString: url, application_name: 'rampart-bench-sdk-floor' });

function floorServer() {
  const server = new McpServer({ name: 'sdk-floor-db', version: '1' });
  server.registerTool(
    'query',
    { description: 'Run a read-only SQL query', inputSchema: z.object({ sql: z.string() }) },
    async ({ sql }) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN TRANSACTION READ ONLY');
        const result = await client.query(sql);
        return { content: [{ type: 'text', text: JSON.stringify(result.rows, null, 2) }] };
      } finally {
        client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
  );
  return server;
}

serveStdio(floorServer);
