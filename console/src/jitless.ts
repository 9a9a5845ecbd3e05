import { config } from 'zod';

// The MCP client validates messages with zod, which probes for eval with new Function before its first parse.
// The console's CSP forbids eval: the probe fails safely but reports a CSP violation each time. Jitless mode
// skips the probe (and never compiles validators), so a violation report always means something is wrong.
config({ jitless: true });
