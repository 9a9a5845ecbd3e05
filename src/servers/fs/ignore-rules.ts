import type { Ignore, Options } from 'ignore';

export type IgnoreFactory = (options?: Options) => Ignore;

/** Skipped wherever they occur unless ignored files are asked for, as ripgrep does: dependencies, git's store. */
export const SKIPPED_BY_DEFAULT: ReadonlySet<string> = new Set(['node_modules', '.git']);

interface Layer {
  readonly rules: Ignore;
  /** An entry's path relative to the layer's directory is `prefix` + its path relative to the walk's start, */
  readonly prefix: string;
  /** less its first `strip` characters. */
  readonly strip: number;
}

/**
 * Git's ignore rules for one walk: a stack of `.gitignore` files (and `.git/info/exclude`), where a deeper file
 * overrides a shallower one and, within a file, the last matching pattern wins (negations included). Immutable:
 * each directory gets the rules of its parent plus its own file.
 */
export class IgnoreRules {
  private constructor(
    private readonly factory: IgnoreFactory,
    private readonly layers: readonly Layer[],
  ) {}

  static empty(factory: IgnoreFactory): IgnoreRules {
    return new IgnoreRules(factory, []);
  }

  /** These rules plus a file's patterns from a directory `dir` relative to the walk's start (`''` the start). */
  below(dir: string, patterns: string): IgnoreRules {
    return this.push(patterns, '', dir === '' ? 0 : dir.length + 1);
  }

  /** These rules plus a file's patterns from a directory above the start; `down` leads from it to the start. */
  above(down: string, patterns: string): IgnoreRules {
    return this.push(patterns, down === '' ? '' : `${down}/`, 0);
  }

  private push(patterns: string, prefix: string, strip: number): IgnoreRules {
    // Git matches case-sensitively unless core.ignoreCase is set (only on case-insensitive file systems).
    const rules = this.factory({ ignorecase: false }).add(patterns);
    return new IgnoreRules(this.factory, [...this.layers, { rules, prefix, strip }]);
  }

  /** Whether the rules from above the start ignore the start directory itself. */
  ignoreStart(): boolean {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const { rules, prefix } = this.layers[i] as Layer;
      if (prefix === '') continue;
      const verdict = rules.test(prefix);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }

  /** Whether an entry (its path relative to the walk's start) is ignored by a file's patterns, not by name. */
  matchesPatterns(relative: string, isDirectory: boolean): boolean {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const { rules, prefix, strip } = this.layers[i] as Layer;
      const local = prefix + relative.slice(strip);
      const verdict = rules.test(isDirectory ? `${local}/` : local);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  }

  /** Whether a walk should skip an entry: one of the default-skipped names, or matched by the patterns. */
  ignores(relative: string, isDirectory: boolean): boolean {
    if (SKIPPED_BY_DEFAULT.has(relative.slice(relative.lastIndexOf('/') + 1))) return true;
    return this.matchesPatterns(relative, isDirectory);
  }
}
