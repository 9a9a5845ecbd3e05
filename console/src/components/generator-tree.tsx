import type { KeyboardEvent } from 'react';
import type { TreeNode } from '../generator-tree';

interface TreeProps {
  readonly nodes: readonly TreeNode[];
  readonly selected: string | undefined;
  onSelect(path: string): void;
}

/**
 * Arrow keys move between the visible entries of the tree (Home and End to its ends), besides Tab; folders are
 * <details>, so Enter or Space opens and closes them and a closed folder's entries are not in the way.
 */
function moveFocus(event: KeyboardEvent<HTMLElement>): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const entries = [...event.currentTarget.querySelectorAll<HTMLElement>('summary, button')].filter(
    // A closed folder's entries are laid out but not shown (content-visibility): skip them.
    (entry) => entry.checkVisibility(),
  );
  const at = entries.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? entries.length - 1
        : Math.min(entries.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)));
  event.preventDefault();
  entries[next]?.focus();
}

function Branch({ nodes, selected, onSelect }: TreeProps) {
  return (
    <ul>
      {nodes.map((node) =>
        node.kind === 'folder' ? (
          <li key={node.path}>
            <details open>
              <summary>{node.name}/</summary>
              <Branch nodes={node.children} selected={selected} onSelect={onSelect} />
            </details>
          </li>
        ) : (
          <li key={node.path}>
            <button
              type="button"
              aria-current={node.path === selected ? 'true' : undefined}
              title={node.path}
              onClick={() => onSelect(node.path)}
            >
              {node.name}
            </button>
          </li>
        ),
      )}
    </ul>
  );
}

/** The generated project's files as folders that open and close, and files to show. */
export function GeneratorTree(props: TreeProps) {
  return (
    <nav aria-label="Generated files" className="file-tree" onKeyDown={moveFocus}>
      <Branch {...props} />
    </nav>
  );
}
