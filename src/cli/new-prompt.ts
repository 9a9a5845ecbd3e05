import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { KINDS, npmNameProblem, toolNameProblem } from '../generator/index.js';
import { readOpenApiSource } from './new-openapi.js';

/** Asks for a spec on a terminal (only when `rampart new` has no arguments). */
export async function askForSpec(): Promise<{ spec: Record<string, unknown>; dir: string }> {
  const kind = await select({ message: 'What kind of server?', choices: KINDS.map((k) => ({ value: k })) });
  const name = await input({
    message: 'Package name',
    default: `my-${kind}-server`,
    validate: (value) => {
      const problem = npmNameProblem(value);
      return problem ? `the name ${problem}` : true;
    },
  });
  const description = await input({ message: 'What is it for? (one line, optional)' });
  const dir = await input({ message: 'Folder', default: name.replace(/^@[^/]+\//, '') });
  if (kind === 'fs') {
    const roots = await input({ message: 'Directories it may reach (comma-separated)', default: '.' });
    const modes = await checkbox({ message: 'Options', choices: [{ value: 'readOnly', name: 'read-only' }] });
    const list = roots
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    return { dir, spec: { kind, name, description, roots: list, readOnly: modes.includes('readOnly') } };
  }
  if (kind === 'git') {
    const repository = await input({ message: 'Repository path', default: '.' });
    return { dir, spec: { kind, name, description, repository } };
  }
  if (kind === 'db') {
    const engine = await select({
      message: 'Database engine',
      choices: [{ value: 'sqlite' }, { value: 'postgres' }, { value: 'mysql' }],
    });
    const urlEnv = await input({ message: 'Environment variable with the URL', default: 'DATABASE_URL' });
    return { dir, spec: { kind, name, description, engine, urlEnv } };
  }
  if (kind === 'api') {
    const given = await input({ message: 'OpenAPI 3.0 or 3.1 document (a file, or an http(s) URL)' });
    return { dir, spec: { kind, name, description, ...(await readOpenApiSource(given.trim(), [])) } };
  }
  if (kind === 'client') {
    const servers: { name: string; target: string }[] = [];
    do {
      const serverName = await input({ message: 'Server name (a-z, 0-9, -)' });
      const target = await input({ message: `How to reach ${serverName}: a command, or an http(s) URL` });
      servers.push({ name: serverName, target });
    } while (await confirm({ message: 'Another server?', default: false }));
    return { dir, spec: { kind, name, description, servers } };
  }
  const tools: string[] = [];
  do {
    tools.push(
      await input({
        message: 'Tool name (snake_case)',
        validate: (value) => {
          const problem = toolNameProblem(value) ?? (tools.includes(value) ? 'is taken' : undefined);
          return problem ? `the name ${problem}` : true;
        },
      }),
    );
  } while (await confirm({ message: 'Another tool?', default: false }));
  return { dir, spec: { kind, name, description, tools: tools.map((t) => ({ name: t })) } };
}
