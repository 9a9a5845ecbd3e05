import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/mcp.js';

const json = (file: string) => JSON.parse(readFileSync(path.join(REPO, file), 'utf8'));

describe('distribution metadata', () => {
  it('describes the npm package in server.json for the MCP registry, matching package.json', () => {
    const pkg = json('package.json');
    const server = json('server.json');
    expect(server.$schema).toMatch(
      /^https:\/\/static\.modelcontextprotocol\.io\/schemas\/[\d-]+\/server\.schema\.json$/,
    );
    expect(server.name).toBe(pkg.mcpName);
    expect(server.name).toMatch(/^io\.github\.[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(server.description.length).toBeLessThanOrEqual(100);
    expect(server.version).toBe(pkg.version);
    const [npm] = server.packages;
    expect(npm).toMatchObject({
      registryType: 'npm',
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: 'stdio' },
    });
    expect(Object.values(pkg.bin)).toContain('dist/cli/main.js');
  });

  it('builds the image in two stages and runs it as an unprivileged user', () => {
    const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    const stages = dockerfile.match(/^FROM /gm) ?? [];
    expect(stages.length).toBe(2);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/cli\/main\.js"\]$/m);
    expect(final).not.toMatch(/COPY[^\n]*(\.env|\.pem|release-signing)/);
    // The KrakenD docs snapshot is made in the build stage and found beside /app/package.json.
    expect(dockerfile).toMatch(/node dist\/release\/snapshot-docs\.js --from "\$KRAKEND_DOCS_URL"/);
    expect(final).toMatch(/^COPY --from=build --chown=root:root \/src\/krakend-docs \.\/krakend-docs$/m);
    expect(json('package.json').files).toContain('krakend-docs');
    const ignored = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', 'plugin/runtime']));
  });

  it('holds no private key in any tracked file (the release key lives outside the repository)', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    const leaking = files.filter((file) => {
      try {
        return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(readFileSync(path.join(REPO, file), 'latin1'));
      } catch {
        return false;
      }
    });
    // Tests may spell a key header to check that it is redacted; no shipped file may.
    expect(leaking.filter((f) => !f.startsWith('test/') && !f.endsWith('.test.ts'))).toEqual([]);
  });
});
