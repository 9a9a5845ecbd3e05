import type { Command } from 'commander';
import type { NewFlags } from './new-flags.js';

const collect = (value: string, previous: string[]) => [...previous, value];

const EXAMPLES = `
One command per kind:
  rampart new fs my-fs --root ./docs --read-only     sandboxed filesystem server
  rampart new custom my-tools --tool summarize --tool translate
                                                     a server with typed tool stubs to fill in
  rampart new git my-git --repo .                    read-only git inspection
  rampart new db my-db --engine postgres --url-env APP_DB_URL --schema public
                                                     read-only SQL behind the statement gate
  rampart new api my-api --openapi ./openapi.yaml    one tool per operation of an OpenAPI 3.0/3.1 document
                                                     (a file, or an http(s) URL fetched through the SSRF guard)
  rampart new client my-client --server files="npx rampart fs ." --server api=https://mcp.example.com/mcp
                                                     an MCP client app for those servers
With no arguments on a terminal, it asks.`;

/** `rampart new <kind> [dir]`: the generator's module loads only when the command runs. */
export function addNewCommand(program: Command): void {
  program
    .command('new')
    .description('generate a hardened MCP server project that passes its own security tests')
    .argument('[kind]', 'fs, custom, git, db, api or client')
    .argument('[dir]', 'the folder to create (default: the project name)')
    .option('--name <name>', 'npm package name (default: the folder name)')
    .option('--description <text>', 'what the server is for (shown to the model as its instructions)')
    .option('--root <dir>', 'fs: a directory the server may reach (repeatable; default .)', collect, [])
    .option('--read-only', 'fs: no write tool at all')
    .option('--tool <name>', 'custom: a snake_case tool name (repeatable)', collect, [])
    .option('--repo <path>', 'git: the repository it reads (default .)')
    .option('--engine <engine>', 'db: sqlite, postgres or mysql (default sqlite)')
    .option('--url-env <NAME>', 'db: the environment variable holding the URL (default DATABASE_URL)')
    .option('--schema <name>', 'db: a schema the queries may reach (repeatable)', collect, [])
    .option('--openapi <file|url>', 'api: the OpenAPI 3.0 or 3.1 document (JSON or YAML)')
    .option(
      '--allow-private <range>',
      'api: a non-public range (CIDR) the --openapi URL may resolve to, e.g. 127.0.0.1/32 (repeatable)',
      collect,
      [],
    )
    .option('--env-prefix <PREFIX>', 'api: prefix of the variables the server reads (default: from the name)')
    .option(
      '--server <name=target>',
      'client: a server, name=<command> or name=<http(s) URL> (repeatable)',
      collect,
      [],
    )
    .option('--force', 'write into a folder that is not empty (files are replaced, nothing is deleted)')
    .option('--toolkit <range>', 'the rampart-mcp version range or tarball the project depends on')
    .addHelpText('after', EXAMPLES)
    .action(async (kind: string | undefined, dir: string | undefined, flags: NewFlags) => {
      const { runNew } = await import('./new-run.js');
      await runNew(kind, dir, flags);
    });
}
