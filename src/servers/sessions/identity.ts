import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { locateExecutable } from '../../core/executables.js';
import { HARDENED_CONFIG, hardenedEnvironment } from '../../guards/git.js';

/** `owner/repo` from a git remote URL (https, ssh or scp-like), or undefined for anything else. */
export function projectFromRemote(url: string): string | undefined {
  const trimmed = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const scpLike = /^[\w.-]+@[\w.-]+:(?!\/)(.+)$/.exec(trimmed);
  const pathPart = scpLike ? scpLike[1] : /^(?:https?|ssh|git):\/\/[^/]+\/(.+)$/.exec(trimmed)?.[1];
  if (!pathPart) return undefined;
  const parts = pathPart.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  return parts.slice(-2).join('/');
}

/** The origin remote's URL, read through hardened git (config only: nothing runs); undefined when there is none. */
async function originUrl(projectDir: string): Promise<string | undefined> {
  const git = await locateExecutable('git');
  if (!git) return undefined;
  return new Promise((resolve) => {
    execFile(
      git,
      ['-C', projectDir, 'config', '--get', 'remote.origin.url'],
      { env: hardenedEnvironment(HARDENED_CONFIG), timeout: 5_000 },
      (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
}

export interface Identity {
  readonly machine: string;
  readonly project: string;
}

export async function detectIdentity(options: {
  machineId: string;
  project?: string | undefined;
  projectDir: string;
}): Promise<Identity> {
  const machine = options.machineId === 'auto' ? os.hostname() : options.machineId;
  if (options.project) return { machine, project: options.project };
  const remote = await originUrl(options.projectDir);
  const fromRemote = remote ? projectFromRemote(remote) : undefined;
  return { machine, project: fromRemote ?? path.basename(path.resolve(options.projectDir)) };
}
