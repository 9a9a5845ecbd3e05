import { type CompatibilityLevel, isCompatibilityLevel } from './compat/levels.js';
import {
  invalidAlias,
  invalidCompatibilityLevel,
  invalidConfig,
  invalidMode,
  operationNotPermitted,
  subjectLevelCompatibilityNotConfigured,
  subjectLevelModeNotConfigured,
  subjectNotFound,
} from './errors.js';
import type { RegistryStore } from './store/types.js';

export const MODES = ['READWRITE', 'READONLY', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];

/** Confluent's Config entity: the fields that are set, nothing else. */
export interface ConfigAnswer {
  readonly compatibilityLevel?: CompatibilityLevel;
  readonly normalize?: boolean;
  readonly alias?: string;
}

export interface ConfigChange {
  readonly compatibility?: string;
  readonly normalize?: boolean;
  readonly alias?: string;
}

/** The settings key of the context a subject is in (`:.ctx:`), or undefined for the default context. */
export function contextKeyOf(subject: string): string | undefined {
  const match = /^(:\.[^:]*:)./.exec(subject);
  return match?.[1];
}

/**
 * Config and mode, global and per subject, as Confluent keeps them. A subject without a setting of its own takes
 * its context's (`:.ctx:`), then the global one, then the default: field by field.
 */
export class Settings {
  constructor(
    private readonly store: RegistryStore,
    private readonly defaults: { compatibility: CompatibilityLevel; mode: Mode },
  ) {}

  /** The scopes a subject's setting is looked up in, nearest first; null is global. */
  private scopes(subject: string | null): (string | null)[] {
    if (subject === null) return [null];
    const context = contextKeyOf(subject);
    return context === undefined ? [subject, null] : [subject, context, null];
  }

  private async nearest<T>(subject: string | null, read: (scope: string | null) => Promise<T | undefined>) {
    for (const scope of this.scopes(subject)) {
      const value = await read(scope);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  async effectiveCompatibility(subject: string): Promise<CompatibilityLevel> {
    const level = await this.nearest(subject, (s) => this.store.compatibility(s));
    return (level as CompatibilityLevel | undefined) ?? this.defaults.compatibility;
  }

  async effectiveMode(subject: string): Promise<Mode> {
    return (
      ((await this.nearest(subject, (s) => this.store.mode(s))) as Mode | undefined) ?? this.defaults.mode
    );
  }

  async effectiveNormalize(subject: string): Promise<boolean> {
    return (await this.nearest(subject, (s) => this.store.normalize(s))) ?? false;
  }

  // ---- config ---------------------------------------------------------------------------------------------

  private async ownConfig(subject: string | null): Promise<ConfigAnswer> {
    const [level, normalize, alias] = await Promise.all([
      this.store.compatibility(subject),
      this.store.normalize(subject),
      subject === null ? undefined : this.store.alias(subject),
    ]);
    return {
      ...(level ? { compatibilityLevel: level as CompatibilityLevel } : {}),
      ...(normalize !== undefined ? { normalize } : {}),
      ...(alias ? { alias } : {}),
    };
  }

  /** GET /config: the global config, with the default level when none is set. */
  async globalConfig(): Promise<ConfigAnswer> {
    const own = await this.ownConfig(null);
    return { compatibilityLevel: this.defaults.compatibility, ...own };
  }

  /** GET /config/{subject}: its own config, or (defaultToGlobal) what applies to it. */
  async subjectConfig(subject: string, defaultToGlobal: boolean): Promise<ConfigAnswer> {
    const own = await this.ownConfig(subject);
    if (!defaultToGlobal) {
      if (Object.keys(own).length === 0) throw subjectLevelCompatibilityNotConfigured(subject);
      return own;
    }
    const normalize = await this.nearest(subject, (s) => this.store.normalize(s));
    return {
      compatibilityLevel: await this.effectiveCompatibility(subject),
      ...(normalize !== undefined ? { normalize } : {}),
      ...(own.alias ? { alias: own.alias } : {}),
    };
  }

  /** PUT /config[/{subject}]: checks every field before writing any; answers what was set, as Confluent echoes. */
  async updateConfig(subject: string | null, change: ConfigChange): Promise<ConfigChange> {
    const level = change.compatibility?.toUpperCase();
    if (level !== undefined && !isCompatibilityLevel(level)) throw invalidCompatibilityLevel(level);
    if (change.alias !== undefined) {
      if (subject === null) throw invalidConfig('Invalid config: "alias" applies to a subject, not globally');
      if (change.alias === subject) throw invalidAlias(change.alias);
    }
    if (level === undefined && change.normalize === undefined && change.alias === undefined) {
      throw invalidConfig('Invalid config: give "compatibility", "normalize" or "alias"');
    }
    if (level !== undefined) await this.store.setCompatibility(subject, level);
    if (change.normalize !== undefined) await this.store.setNormalize(subject, change.normalize);
    if (change.alias !== undefined && subject !== null) {
      await this.store.setAlias(subject, change.alias === '' ? null : change.alias);
    }
    return {
      ...(level !== undefined ? { compatibility: level } : {}),
      ...(change.normalize !== undefined ? { normalize: change.normalize } : {}),
      ...(change.alias ? { alias: change.alias } : {}),
    };
  }

  /** DELETE /config[/{subject}]: removes the config and answers what it was (40401 for a subject with none). */
  async deleteConfig(subject: string | null): Promise<ConfigAnswer> {
    const previous = subject === null ? await this.globalConfig() : await this.ownConfig(subject);
    if (subject !== null && Object.keys(previous).length === 0) throw subjectNotFound(subject);
    await this.store.setCompatibility(subject, null);
    await this.store.setNormalize(subject, null);
    if (subject !== null) await this.store.setAlias(subject, null);
    return previous;
  }

  // ---- mode -----------------------------------------------------------------------------------------------

  async mode(subject: string | null, defaultToGlobal: boolean): Promise<Mode> {
    if (subject === null) return ((await this.store.mode(null)) as Mode | undefined) ?? this.defaults.mode;
    if (defaultToGlobal) return this.effectiveMode(subject);
    const own = (await this.store.mode(subject)) as Mode | undefined;
    if (!own) throw subjectLevelModeNotConfigured(subject);
    return own;
  }

  /** PUT /mode[/{subject}]: IMPORT only where nothing is registered yet, unless forced (Confluent's rule). */
  async setMode(subject: string | null, mode: string, force: boolean, hasSchemas: () => Promise<boolean>) {
    const value = mode.toUpperCase();
    if (!(MODES as readonly string[]).includes(value)) throw invalidMode(mode);
    if (value === 'IMPORT' && !force && (await hasSchemas())) {
      throw operationNotPermitted(
        'Cannot import since found existing subjects; use force=true to import anyway',
      );
    }
    await this.store.setMode(subject, value);
    return value as Mode;
  }

  /** DELETE /mode[/{subject}]: answers the mode removed; a subject without one is 40401, as in Confluent. */
  async deleteMode(subject: string | null): Promise<Mode> {
    const previous = await this.store.mode(subject);
    if (subject !== null && !previous) throw subjectNotFound(subject);
    await this.store.setMode(subject, null);
    return (previous as Mode | undefined) ?? this.defaults.mode;
  }
}
