import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import {
  anchorDirectory,
  type CreateTarget,
  canonicalRoots,
  type DirAnchor,
  describeRoots,
  intersectRoots,
  lexicalResolve,
  OPEN_METADATA_FLAGS,
  OPEN_READ_FLAGS,
  PathRefusal,
  type Root,
  resolveExisting,
  resolveForCreate,
  verifyDescriptor,
} from '../guards/path.js';

export interface OpenedFile {
  readonly handle: FileHandle;
  readonly real: string;
  readonly size: number;
}

/**
 * The roots one connection may use: the operator's, narrowed by the client's MCP roots when it sends
 * them. Every path a tool touches goes through here.
 */
export class Sandbox {
  private clientRoots: Root[] | undefined;

  constructor(
    readonly operatorRoots: readonly Root[],
    private readonly honourClientRoots = true,
  ) {}

  get roots(): readonly Root[] {
    return this.clientRoots ?? this.operatorRoots;
  }

  get narrowedByClient(): boolean {
    return this.clientRoots !== undefined;
  }

  describe(): string {
    return describeRoots(this.roots);
  }

  async setClientRoots(paths: string[] | undefined): Promise<void> {
    if (!paths || !this.honourClientRoots) {
      this.clientRoots = undefined;
      return;
    }
    const canonical: Root[] = [];
    for (const p of paths) {
      const [root] = await canonicalRoots([p]).catch(() => [] as Root[]);
      if (root) canonical.push(root);
    }
    this.clientRoots = intersectRoots(this.operatorRoots, canonical);
  }

  lexical(requested: string, label = 'path'): string {
    return lexicalResolve(requested, this.roots, label);
  }

  resolveExisting(requested: string, label = 'path'): Promise<string> {
    return resolveExisting(requested, this.roots, label);
  }

  resolveForCreate(requested: string, label = 'path'): Promise<CreateTarget> {
    return resolveForCreate(requested, this.roots, label);
  }

  /** Resolves, opens without following a final link, and proves after open that the descriptor lies inside. */
  private async openChecked(
    requested: string,
    label: string,
    flags: number,
  ): Promise<{ handle: FileHandle; real: string }> {
    const real = await this.resolveExisting(requested, label);
    let handle: FileHandle;
    try {
      handle = await open(real, flags);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
        throw new PathRefusal(`${label} "${requested}" was swapped for a symbolic link while it was opened`);
      }
      throw error;
    }
    try {
      await verifyDescriptor(handle.fd, real, this.roots, requested, label);
      return { handle, real };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Opens a regular file for reading; FIFOs, sockets and devices are refused without blocking. */
  async openFile(requested: string, label = 'path'): Promise<OpenedFile> {
    const { handle, real } = await this.openChecked(requested, label, OPEN_READ_FLAGS);
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw new PathRefusal(`${label} "${requested}" is a directory, not a file`);
      if (!info.isFile()) throw new PathRefusal(`${label} "${requested}" is not a regular file`);
      return { handle, real, size: info.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Metadata of a file or directory, read from a descriptor checked after open (never from a re-resolved path). */
  async statVerified(requested: string, label = 'path'): Promise<Stats> {
    const { handle } = await this.openChecked(requested, label, OPEN_METADATA_FLAGS);
    try {
      return await handle.stat();
    } finally {
      await handle.close();
    }
  }

  /** Whether the path's own last component is a link, looked up in its verified parent directory. */
  async isLink(requested: string, label = 'path'): Promise<boolean> {
    const absolute = this.lexical(requested, label);
    const root = this.roots.find((r) => r.given === absolute || r.real === absolute);
    if (root) return (await lstat(root.given)).isSymbolicLink();
    const anchor = await this.anchor(
      await this.resolveExisting(path.dirname(absolute), label),
      requested,
      label,
    );
    try {
      return (await lstat(anchor.entry(path.basename(absolute)))).isSymbolicLink();
    } finally {
      await anchor.close();
    }
  }

  /** Opens and verifies a directory; entries built from the anchor stay on that directory. */
  async openDirectory(requested: string, label = 'path'): Promise<DirAnchor> {
    const real = await this.resolveExisting(requested, label);
    return anchorDirectory(real, this.roots, requested, label);
  }

  anchor(realDir: string, requested: string, label = 'path'): Promise<DirAnchor> {
    return anchorDirectory(realDir, this.roots, requested, label);
  }
}
