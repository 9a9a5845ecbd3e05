import { readFileSync } from 'node:fs';
import path from 'node:path';

const openapi = (file: string) =>
  readFileSync(path.join(import.meta.dirname, '../generator/openapi', file), 'utf8');

/** The projects CI generates and tests: every kind, and its options that change the generated code. */
export const CASES: Record<string, unknown> = {
  fs: { kind: 'fs', name: 'gen-fs', description: 'Reads and writes the project folder.' },
  'fs-read-only': { kind: 'fs', name: 'gen-fs-read-only', roots: ['.'], readOnly: true },
  custom: {
    kind: 'custom',
    name: 'gen-custom',
    description: `Hostile text stays data: ' " \` */ ${'${'}x}`,
    tools: [{ name: 'summarize', description: 'Summarizes a text.' }, { name: 'translate' }],
  },
  git: { kind: 'git', name: 'gen-git', description: 'Reads this repository.' },
  db: { kind: 'db', name: 'gen-db', description: 'Reads the app database.' },
  // The api kind from each of our own specs: 3.0 JSON, 3.1 YAML, and path/query/header/body with credentials.
  'api-library': { kind: 'api', name: 'gen-api-library', openapi: openapi('library-3.0.json') },
  'api-weather': { kind: 'api', name: 'gen-api-weather', openapi: openapi('weather-3.1.yaml') },
  'api-shop': { kind: 'api', name: 'gen-api-shop', openapi: openapi('shop-auth-3.0.yaml') },
  client: {
    kind: 'client',
    name: 'gen-client',
    servers: [
      { name: 'files', target: 'npx rampart fs .' },
      { name: 'remote', target: 'https://mcp.example.com/mcp' },
    ],
  },
};
