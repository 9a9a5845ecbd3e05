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
  client: {
    kind: 'client',
    name: 'gen-client',
    servers: [
      { name: 'files', target: 'npx rampart fs .' },
      { name: 'remote', target: 'https://mcp.example.com/mcp' },
    ],
  },
};
