import { markdownText } from './markdown.js';
import { serverKey } from './names.js';
import type { ProjectSpec } from './spec.js';

export interface ReadmeParts {
  /** What the server does, in the generator's words (trusted). */
  readonly about: string;
  /** Tool names (validated) with a one-line summary each (trusted). */
  readonly tools: readonly (readonly [string, string])[];
  /** The attacks the tests name (trusted). */
  readonly refuses: readonly string[];
  /** Arguments after `dist/src/index.js` in the client snippets (shown JSON-encoded or shell-quoted). */
  readonly args: readonly string[];
  /** A client app: its servers instead of tools, and no snippets for running it as a server. */
  readonly client?: boolean;
}

const shellQuote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;

function howToUse(key: string, args: string, given: readonly string[]): string {
  return `## Use it

Claude Code (or use the \`.mcp.json\` in this folder):

\`\`\`sh
npm run build
claude mcp add ${key} -- node "$PWD/dist/src/index.js"${given.length > 0 ? ` ${given.map(shellQuote).join(' ')}` : ''}
\`\`\`

Claude Desktop (\`claude_desktop_config.json\`):

\`\`\`json
{ "mcpServers": { "${key}": { "command": "node", "args": ${args} } } }
\`\`\`

VS Code (\`.vscode/mcp.json\`):

\`\`\`json
{ "servers": { "${key}": { "type": "stdio", "command": "node", "args": ${args} } } }
\`\`\`

Docker (two stages, runs as the unprivileged \`node\` user):

\`\`\`sh
docker build -t ${key} .
\`\`\`
`;
}

/** The README: what it is, its tools, what it refuses, and how Claude Code, Claude Desktop and VS Code run it. */
export function readme(spec: ProjectSpec, parts: ReadmeParts): string {
  const key = serverKey(spec.name);
  const args = JSON.stringify(['/absolute/path/to/dist/src/index.js', ...parts.args]);
  const description = markdownText(spec.description);
  return `# ${spec.name}

${description ? `${description}\n\n` : ''}${parts.about} Built on [Rampart](https://github.com/rampart-mcp/rampart)'s toolkit (\`rampart-mcp/toolkit\`), so every
call runs inside its policy envelope: arguments validated and size-capped, a time budget, output validated, failures
turned into one safe line.

## ${parts.client ? 'Servers' : 'Tools'}

${parts.tools.map(([name, summary]) => `- \`${name}\`: ${summary}`).join('\n')}

## What it refuses

Each of these is a test in \`test/\`, named after the attack:

${parts.refuses.map((attack) => `- ${attack}`).join('\n')}

## Develop

\`\`\`sh
npm install
npm test        # typecheck, build, and call every tool through a real MCP client
npm run lint
npm start${parts.args.length > 0 ? ` -- ${parts.args.map(shellQuote).join(' ')}` : ''}
\`\`\`

${parts.client ? '' : howToUse(key, args, parts.args)}`;
}
