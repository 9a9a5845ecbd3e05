// The SDK floor server (one trivial tool) over stdio through the transport named by argv[3]: `sdk` (the SDK's
// StdioServerTransport, serveStdio's default) or `rampart` (core's StdioLineTransport, as `rampart <server>` runs).
// Everything else is the same, so the difference measured is the transport's.
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createLogger } from '../../dist/core/log.js';
import { StdioLineTransport } from '../../dist/core/stdio-transport.js';
import { DEFAULT_LIMITS, MAX_JSON_DEPTH, maxMessageBytesOf } from '../../dist/guards/limits.js';
import { floorServer } from '../lib/floor-tool.mjs';

const root = process.argv[2] ?? process.cwd();
const transport =
  process.argv[3] === 'rampart'
    ? new StdioLineTransport({
        maxMessageBytes: maxMessageBytesOf(DEFAULT_LIMITS),
        maxDepth: MAX_JSON_DEPTH,
        log: createLogger({ level: 'warn' }),
      })
    : undefined;

serveStdio(() => floorServer('stdio-floor', root), transport ? { transport } : {});
