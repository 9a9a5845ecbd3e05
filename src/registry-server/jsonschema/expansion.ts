import { childrenOf, type Node } from './nodes.js';

interface Frame {
  readonly node: Node;
  readonly children: Node[];
  next: number;
  /** The deepest path below this node found so far, the node itself counted. */
  depth: number;
}

/**
 * Whether following `root`'s subschemas and `$ref`s, without re-entering a node already on the path, can go
 * deeper than `maxDepth` nodes. Each definition may be shallow while a chain of `$ref`s is not, and the diff walks
 * that chain. Iterative, and linear in the nodes reached: the depth below a node is computed once.
 */
export function expandsDeeperThan(root: Node, maxDepth: number): boolean {
  const below = new Map<Node, number>();
  const onPath = new Set<Node>([root]);
  const stack: Frame[] = [{ node: root, children: childrenOf(root), next: 0, depth: 1 }];
  while (stack.length > 0) {
    if (stack.length > maxDepth) return true;
    const top = stack[stack.length - 1] as Frame;
    const child = top.children[top.next++];
    if (child !== undefined) {
      if (onPath.has(child)) continue;
      const known = below.get(child);
      if (known !== undefined) top.depth = Math.max(top.depth, known + 1);
      else {
        onPath.add(child);
        stack.push({ node: child, children: childrenOf(child), next: 0, depth: 1 });
      }
      continue;
    }
    stack.pop();
    onPath.delete(top.node);
    below.set(top.node, top.depth);
    if (top.depth > maxDepth) return true;
    const parent = stack[stack.length - 1];
    if (parent) parent.depth = Math.max(parent.depth, top.depth + 1);
  }
  return false;
}
