import { ConfigError } from './config.js';
import type { ServerDefinition, ToolDefinition } from './define.js';

/** The operator's choice of a server's tools: `--tools`, `--exclude-tools` and `--read-only`. */
export interface ToolSelection {
  /** Only these tools (applied first). */
  readonly tools?: readonly string[] | undefined;
  /** Not these tools (applied after `tools`). */
  readonly excludeTools?: readonly string[] | undefined;
  /** Only tools annotated readOnlyHint: true. */
  readonly readOnly?: boolean | undefined;
}

/** What a server offers once the selection is applied, for /healthz and the console. */
export interface ToolOffer {
  /** The tools registered, in the server's order. */
  readonly offered: readonly string[];
  /** The server's tools that the selection left out, in the server's order. */
  readonly excluded: readonly string[];
  readonly readOnly: boolean;
}

/** A refused selection; the gateway says which mount's options it came from. */
export class ToolSelectionError extends ConfigError {}

/** A list from a flag, rampart.yaml or the environment; `a,b` in one item counts as two names. */
function namesOf(list: readonly string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  return list.flatMap((item) => item.split(',').map((name) => name.trim())).filter(Boolean);
}

function refuseUnknown(server: string, setting: string, names: string[], known: readonly string[]): void {
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  throw new ToolSelectionError(
    `${setting} names ${unknown.length === 1 ? 'a tool' : 'tools'} ${server} does not have (with its current options): ${unknown.join(', ')} ` +
      `(its tools: ${known.join(', ') || 'none'})`,
  );
}

/**
 * Which of `tools` a selection keeps: include, then exclude, then read-only. A name the server does not have
 * is refused rather than ignored, and so is a selection that leaves nothing: a typo must not silently start a
 * server with other tools than meant, or none.
 */
export function resolveToolOffer(
  server: string,
  tools: readonly Pick<ToolDefinition, 'name' | 'annotations'>[],
  selection: ToolSelection,
): ToolOffer {
  const known = tools.map((tool) => tool.name);
  const include = namesOf(selection.tools);
  const exclude = namesOf(selection.excludeTools);
  if (include !== undefined) {
    if (include.length === 0)
      throw new ToolSelectionError(
        `tools (--tools) for ${server} names no tool (its tools: ${known.join(', ')})`,
      );
    refuseUnknown(server, 'tools (--tools)', include, known);
  }
  if (exclude !== undefined) refuseUnknown(server, 'excludeTools (--exclude-tools)', exclude, known);
  const readOnly = selection.readOnly === true;
  const kept = tools.filter(
    (tool) =>
      (include === undefined || include.includes(tool.name)) &&
      !exclude?.includes(tool.name) &&
      (!readOnly || tool.annotations.readOnlyHint),
  );
  if (kept.length === 0 && tools.length > 0) {
    const applied = [
      include && 'tools (--tools)',
      exclude && 'excludeTools (--exclude-tools)',
      readOnly && 'readOnly (--read-only)',
    ].filter(Boolean);
    throw new ToolSelectionError(
      `${applied.join(' with ')} leave${applied.length === 1 ? 's' : ''} ${server} no tool (its tools: ${known.join(', ')})`,
    );
  }
  const offered = kept.map((tool) => tool.name);
  return { offered, excluded: known.filter((name) => !offered.includes(name)), readOnly };
}

/** The definition with only the offered tools: the rest are never registered, so neither listed nor callable. */
export function keepTools(definition: ServerDefinition, offer: ToolOffer): ServerDefinition {
  if (offer.excluded.length === 0) return definition;
  return { ...definition, tools: definition.tools.filter((tool) => offer.offered.includes(tool.name)) };
}
