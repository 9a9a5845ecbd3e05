// The command line, loaded by main.ts for everything but `--version`. Every command's work is imported when that
// command runs (`await import(…)` in its action), so a command loads only what it runs; a command module imports
// commander and types.
import { Command, CommanderError } from 'commander';
import { exitAfterGrace, listenForStop, SIGNAL_EXIT_CODE, type StopSignal } from '../core/shutdown.js';
import { packageVersion } from '../core/version.js';
import { PathRefusal } from '../guards/path.js';
import { splitCallArgs } from './call-args.js';
import type { InProcessSession } from './client.js';
import { addNewCommand } from './new.js';
import { addRegistryServerCommand } from './registry-server.js';
import { addReleaseCommand } from './release.js';
import { addServeCommand } from './serve.js';
import { findServer, SERVERS, type ServerEntry } from './servers.js';
import { UsageError } from './usage-error.js';

function requireServer(name: string): ServerEntry {
  const entry = findServer(name);
  if (!entry)
    throw new UsageError(`unknown server "${name}" (known: ${SERVERS.map((s) => s.name).join(', ')})`);
  return entry;
}

/** A server's positional arguments, when it takes any. */
function withPositional(command: Command, entry: ServerEntry): Command {
  return entry.positional ? command.argument(entry.positional) : command;
}

/** Parses a server's own positional arguments and flags with the same definitions its command uses. */
function parseServerArgs(
  entry: ServerEntry,
  argv: string[],
  toolFollows = false,
): { positional: string[]; flags: Record<string, unknown> } {
  const command = entry
    .addOptions(withPositional(new Command(entry.name), entry))
    .allowExcessArguments(toolFollows)
    .exitOverride();
  command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  command.parse(argv, { from: 'user' });
  return { positional: command.args, flags: command.opts() };
}

/** How many positional arguments a server takes: none, one (`[url]`) or any number (`[dirs...]`). */
function maxPositional(entry: ServerEntry): number {
  if (!entry.positional) return 0;
  return entry.positional.includes('...') ? Number.POSITIVE_INFINITY : 1;
}

function annotationSummary(annotations: Record<string, unknown> | undefined): string {
  if (!annotations) return '';
  if (annotations.readOnlyHint) return 'read-only';
  return annotations.destructiveHint ? 'destructive' : 'writes';
}

/** A one-shot command cut short by SIGINT or SIGTERM; what it opened is closed all the same. */
class Interrupted extends Error {
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
  }
}

/**
 * Runs one-shot work against an in-process server and then closes everything it opened (the session slot,
 * pools, Redis clients), so the command exits as soon as it has printed. A signal interrupts the work, not the
 * closing.
 */
async function withServer<T>(
  entry: ServerEntry,
  positional: string[],
  flags: Record<string, unknown>,
  work: (session: InProcessSession) => Promise<T>,
): Promise<T> {
  const stop = listenForStop();
  const interrupted = stop.signal.then((signal) => Promise.reject(new Interrupted(signal)));
  interrupted.catch(() => {});
  try {
    // Loaded only here: serving over stdio never needs the client SDK, and start-up time matters.
    const { connectInProcess } = await import('./client.js');
    const launching = entry.launch(positional, flags).then(connectInProcess);
    const session = await Promise.race([launching, interrupted]).catch(async (error) => {
      // A launch still under way when the signal came is closed once it is up.
      if (error instanceof Interrupted) void launching.then((late) => late.close()).catch(() => {});
      throw error;
    });
    try {
      return await Promise.race([work(session), interrupted]);
    } finally {
      await session.close();
    }
  } finally {
    stop.cancel();
  }
}

async function listTools(serverName: string, argv: string[], json: boolean): Promise<void> {
  const entry = requireServer(serverName);
  const { positional, flags } = parseServerArgs(entry, argv);
  await withServer(entry, positional, flags, async (session) => {
    const { tools } = await session.client.listTools();
    if (json) {
      console.log(JSON.stringify(tools, null, 2));
      return;
    }
    const width = Math.max(...tools.map((t) => t.name.length));
    for (const tool of tools) {
      console.log(
        `${tool.name.padEnd(width)}  ${annotationSummary(tool.annotations).padEnd(11)}  ${tool.title ?? ''}`,
      );
    }
  });
}

async function callTool(serverName: string, argv: string[], json: boolean): Promise<number> {
  const entry = requireServer(serverName);
  const { positional, flags } = parseServerArgs(entry, argv, true);
  const call = splitCallArgs(serverName, positional, maxPositional(entry));
  return withServer(entry, call.serverArgs, flags, async (session) => {
    const { tools } = await session.client.listTools();
    if (!tools.some((t) => t.name === call.tool)) {
      throw new UsageError(
        `${serverName} has no tool "${call.tool}" (it offers: ${tools.map((t) => t.name).join(', ')})`,
      );
    }
    const prepared = (await entry.beforeCall?.(session.client, call.tool)) ?? {};
    if (prepared.refused) {
      console.log(prepared.refused);
      return 1;
    }
    if (prepared.note) process.stderr.write(`rampart: ${prepared.note}\n`);
    const result = await session.client.callTool({ name: call.tool, arguments: call.args });
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      for (const block of result.content) {
        if (block.type === 'text') console.log(block.text);
        else console.log(`[${block.type} content; use --json to see it]`);
      }
    }
    return result.isError ? 1 : 0;
  });
}

/** The command line's words before the first flag: `krakend sync` in `rampart krakend sync --offline`. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const arg of argv.slice(2)) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words;
}

async function buildProgram(argv: readonly string[]): Promise<Command> {
  const words = commandWords(argv);
  const program = new Command('rampart')
    .description('Security-hardened MCP servers: every promise enforced in code and proven by a test.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError()
    .exitOverride();

  for (const entry of SERVERS) {
    const command = entry
      .addOptions(
        withPositional(program.command(entry.name).description(`${entry.summary} (MCP over stdio)`), entry),
      )
      .action(async (...params: unknown[]) => {
        // commander passes the positional argument (if the server takes one), the flags, then the command; a
        // variadic argument as an array, an optional one as a string or undefined.
        const flags = params[params.length - 2] as Record<string, unknown>;
        const positional = entry.positional ? (params[0] as string[] | string | undefined) : undefined;
        const args = positional === undefined ? [] : Array.isArray(positional) ? positional : [positional];
        const [launch, { runStdio }] = await Promise.all([
          entry.launch(args, flags),
          import('../core/stdio.js'),
        ]);
        launch.runtime.log.info(`serving ${entry.name} on stdio`);
        await runStdio(launch.makeDefinition, launch.runtime, { close: () => launch.close() });
      });
    command.exitOverride();
    // Its module loads the sync machinery, so only `rampart krakend …` that may name it loads it.
    if (entry.name === 'krakend' && words[0] === 'krakend' && (words.length > 1 || argv.includes('--help')))
      (await import('./krakend-sync.js')).addKrakendSyncCommand(command);
  }

  addServeCommand(program);
  addRegistryServerCommand(program);
  addReleaseCommand(program);
  addNewCommand(program);

  program
    .command('tools')
    .description('list the tools a server offers, e.g. `rampart tools fs .`')
    .argument('<server>', `one of: ${SERVERS.map((s) => s.name).join(', ')}`)
    .argument('[args...]', "the server's own arguments and flags")
    .option('--json', 'print the full tool definitions as JSON')
    .allowUnknownOption()
    .helpOption('-h, --help')
    .action(async (server: string, args: string[], opts: { json?: boolean }) => {
      await listTools(server, args, Boolean(opts.json));
    });

  program
    .command('call')
    .description(
      'call one tool from a terminal, e.g. `rampart call fs . read_text_file \'{"path":"README.md"}\'`',
    )
    .usage('[options] <server> [server arguments and flags...] <tool> [json]')
    .argument('<server>', `one of: ${SERVERS.map((s) => s.name).join(', ')}`)
    .argument(
      '<args...>',
      "the server's own arguments and flags, then the tool name, then its arguments as a JSON object (default {})",
    )
    .option('--json', 'print the whole result (content, structuredContent, isError) as JSON')
    .allowUnknownOption()
    .action(async (server: string, args: string[], opts: { json?: boolean }) => {
      process.exitCode = await callTool(server, args, Boolean(opts.json));
    });

  return program;
}

async function main(): Promise<void> {
  try {
    await (await buildProgram(process.argv)).parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof Interrupted) {
      process.exitCode = SIGNAL_EXIT_CODE[error.signal];
      return;
    }
    const { ConfigError } = await import('../core/config.js');
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof PathRefusal) {
      console.error(`rampart: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(`rampart: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

await main();
// Everything the command opened is closed by now; this only ends a process that something unseen still holds.
exitAfterGrace();
