#!/usr/bin/env node
// `rampart --version` answers before commander or any command loads: an ES module's static imports are all read
// and linked before its first line runs, so the rest of the CLI is imported only when something else was asked.
import { packageVersion } from '../core/version.js';

const only = process.argv.length === 3 ? process.argv[2] : undefined;
if (only === '--version' || only === '-v' || only === '-V') process.stdout.write(`${packageVersion()}\n`);
else await import('./program.js');
