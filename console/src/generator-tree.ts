import type { GeneratedFile } from './generator-api';

export interface TreeFolder {
  readonly kind: 'folder';
  readonly name: string;
  /** The folder's path from the project's top, `src/tools`. */
  readonly path: string;
  readonly children: TreeNode[];
}

export interface TreeFile {
  readonly kind: 'file';
  readonly name: string;
  readonly path: string;
}

export type TreeNode = TreeFolder | TreeFile;

function sortTree(nodes: TreeNode[]): void {
  nodes.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name, 'en') : a.kind === 'folder' ? -1 : 1,
  );
  for (const node of nodes) if (node.kind === 'folder') sortTree(node.children);
}

/** The files' paths as a tree: folders first, then files, each by name. */
export function fileTree(files: readonly GeneratedFile[]): TreeNode[] {
  const top: TreeNode[] = [];
  const folders = new Map<string, TreeFolder>();
  for (const { path } of files) {
    const parts = path.split('/');
    let level = top;
    for (let i = 0; i < parts.length - 1; i++) {
      const at = parts.slice(0, i + 1).join('/');
      let folder = folders.get(at);
      if (!folder) {
        folder = { kind: 'folder', name: parts[i] as string, path: at, children: [] };
        folders.set(at, folder);
        level.push(folder);
      }
      level = folder.children;
    }
    level.push({ kind: 'file', name: parts[parts.length - 1] as string, path });
  }
  sortTree(top);
  return top;
}

/** Prism's name for the language of a file, by its extension; undefined for text shown as it is. */
export function languageOf(path: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  switch (extension) {
    case 'ts':
    case 'mts':
    case 'cts':
      return 'typescript';
    case 'tsx':
      return 'tsx';
    case 'js':
    case 'mjs':
    case 'cjs':
      return 'javascript';
    case 'json':
      return 'json';
    case 'md':
      return 'markdown';
    case 'yaml':
    case 'yml':
      return 'yaml';
    default:
      return undefined;
  }
}
