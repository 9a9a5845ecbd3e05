// The SDK floor: a bare @modelcontextprotocol/server (v2) with the one trivial tool the round-trip measure
// calls, answering exactly what Rampart answers. Rampart minus this is Rampart's own cost; this minus the
// reference server is the SDK's.
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { floorServer } from '../lib/floor-tool.mjs';

const root = process.argv[2] ?? process.cwd();

serveStdio(() => floorServer('sdk-floor', root));
