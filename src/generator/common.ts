import { serverKey } from './names.js';
import type { GenerateOptions, ProjectSpec } from './spec.js';

/** The files every generated project has besides its sources and tests. */

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function packageJson(
  spec: ProjectSpec,
  options: GenerateOptions,
  extra: { dependencies?: Record<string, string> } = {},
): string {
  return json({
    name: spec.name,
    version: '0.1.0',
    description: spec.description,
    private: true,
    type: 'module',
    bin: { [spec.name.replace(/^@[^/]+\//, '')]: 'dist/src/index.js' },
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'tsc -p tsconfig.json && node --test dist/test/',
      start: 'node dist/src/index.js',
      lint: 'biome check .',
    },
    dependencies: { 'rampart-mcp': options.toolkit, zod: '^4.1.0', ...extra.dependencies },
    devDependencies: { '@biomejs/biome': '^2.6.8', '@types/node': '^20.19.0', typescript: '^5.9.0' },
  });
}

export const TSCONFIG = json({
  compilerOptions: {
    target: 'ES2023',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    verbatimModuleSyntax: true,
    sourceMap: true,
    outDir: 'dist',
    rootDir: '.',
  },
  include: ['src', 'test'],
});

// Written as Biome formats it: Biome checks its own configuration file.
export const BIOME = `{
  "vcs": { "enabled": true, "clientKind": "git", "useIgnoreFile": true },
  "files": { "includes": ["**", "!dist", "!node_modules", "!**/*.json", "!**/*.md"] },
  "formatter": { "enabled": true, "indentStyle": "space", "indentWidth": 2, "lineWidth": 120 },
  "javascript": { "formatter": { "quoteStyle": "single", "semicolons": "always", "trailingCommas": "all" } },
  "linter": { "enabled": true, "rules": { "preset": "recommended" } }
}
`;

export const GITIGNORE = 'node_modules/\ndist/\n*.log\n.env\n';

export const DOCKERFILE = `# Stage 1: install and build with the dev dependencies.
FROM node:20-slim AS build
WORKDIR /app
COPY package*.json ./
RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi
COPY . .
RUN npm run build && npm prune --omit=dev

# Stage 2: the built server and its production dependencies only, run as the unprivileged node user.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
USER node
ENTRYPOINT ["node", "dist/src/index.js"]
`;

/** `.mcp.json` for Claude Code in the project folder: the built server over stdio. */
export function mcpJson(key: string, args: readonly string[], env: Record<string, string> = {}): string {
  const server: Record<string, unknown> = { command: 'node', args: ['dist/src/index.js', ...args] };
  if (Object.keys(env).length > 0) server.env = env;
  return json({ mcpServers: { [key]: server } });
}

/**
 * The files every generated server project starts with, in this order: package.json, tsconfig, Biome, .gitignore,
 * Dockerfile and the `.mcp.json` that starts the built server with `args` (and `env`).
 */
export function serverProjectFiles(
  spec: ProjectSpec,
  options: GenerateOptions,
  args: readonly string[],
  env: Record<string, string> = {},
): [string, string][] {
  return [
    ['package.json', packageJson(spec, options)],
    ['tsconfig.json', TSCONFIG],
    ['biome.json', BIOME],
    ['.gitignore', GITIGNORE],
    ['Dockerfile', DOCKERFILE],
    ['.mcp.json', mcpJson(serverKey(spec.name), args, env)],
  ];
}
