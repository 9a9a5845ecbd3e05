import type { RuleSet, SchemaMetadata, SchemaReference, SchemaType, StoredSchema } from '../schemas/types.js';

export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly deleted: boolean;
}

export interface NewSchema {
  readonly type: SchemaType;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
  readonly metadata?: SchemaMetadata;
  readonly ruleSet?: RuleSet;
  /** Identifies equal schemas: without a requested id, the same fingerprint gets the same (lowest) id. */
  readonly fingerprint: string;
}

export interface Registration {
  readonly id: number;
  readonly version: number;
  /** False when the subject already had this schema live, and nothing was written. */
  readonly created: boolean;
}

/**
 * What the store has read for a registration check inside its transaction: the stored schemas `needs` named, by
 * id, and the live version of each reference `references` named, in the order read (undefined: none is live).
 */
export interface CheckReads {
  readonly schemas: ReadonlyMap<number, StoredSchema>;
  readonly referenced: readonly (readonly [SchemaReference, StoredSchema | undefined])[];
}

/**
 * The compatibility check of a registration, run inside the store's transaction with the subject's live versions,
 * so a decision and the write it allows are not separated. Nothing in it waits: what it compares against is read
 * in that same transaction and handed to it. The store reads the schemas `needs` names, then, as long as
 * `references` names any, the versions their references name (and theirs), then runs the check.
 */
export interface RegistrationCheck {
  /** The schema ids, among `live`, whose stored schemas `run` needs (those it does not hold already). */
  needs(live: readonly SubjectVersion[]): readonly number[];
  /**
   * The referenced versions (subject and version, -1 for the latest live one) still to read for what has been
   * read; empty once the check has all it needs. It names each at most once and refuses too many.
   */
  references(reads: CheckReads): readonly SchemaReference[];
  /** Throws to refuse the registration. */
  run(live: readonly SubjectVersion[], reads: CheckReads): void;
}

/** What a rewrite makes of a stored schema: its new text and fingerprint, or undefined to leave it as it is. */
export type SchemaRewrite = (schema: StoredSchema) => { schema: string; fingerprint: string } | undefined;

/**
 * Where the registry keeps schemas, subject versions, config and modes. Every method is one transaction, so
 * several registry instances on one database allocate ids and versions without clashing.
 */
export interface RegistryStore {
  /**
   * Adds the schema to the subject unless its live versions already hold it: the id is the schema's existing id
   * (by fingerprint) or a new one, the version the subject's next. `check` runs inside the transaction.
   * In IMPORT mode `forced` gives the id and version to use.
   */
  register(
    subject: string,
    schema: NewSchema,
    check: RegistrationCheck,
    forced?: { id?: number; version?: number },
  ): Promise<Registration>;
  schemaById(id: number): Promise<StoredSchema | undefined>;
  /** Every id holding this content, lowest first (IMPORT mode may give one content several ids). */
  schemasByFingerprint(fingerprint: string): Promise<StoredSchema[]>;
  /** Schemas whose fingerprint starts with `prefix`, `_` standing for any one character (GUID lookups). */
  schemasByFingerprintPattern(prefix: string): Promise<StoredSchema[]>;
  /** The highest schema id given out or imported (0 when there is none): Confluent's `maxId`. */
  maxSchemaId(): Promise<number>;
  /** Every subject version, in subject then version order (for listings that span subjects). */
  allVersions(includeDeleted: boolean): Promise<SubjectVersion[]>;
  subjects(includeDeleted: boolean): Promise<string[]>;
  versions(subject: string, includeDeleted: boolean): Promise<SubjectVersion[]>;
  versionsOfSchema(id: number, includeDeleted: boolean): Promise<SubjectVersion[]>;
  /** Versions (subject, version) whose schemas reference `subject`/`version`. */
  referencedBy(subject: string, version: number): Promise<number[]>;
  softDelete(subject: string, versions: readonly number[]): Promise<void>;
  hardDelete(subject: string, versions: readonly number[]): Promise<void>;
  compatibility(subject: string | null): Promise<string | undefined>;
  setCompatibility(subject: string | null, level: string | null): Promise<void>;
  /** Whether schemas of the subject (null: globally) are normalized before they are compared (Confluent 7.4+). */
  normalize(subject: string | null): Promise<boolean | undefined>;
  setNormalize(subject: string | null, normalize: boolean | null): Promise<void>;
  mode(subject: string | null): Promise<string | undefined>;
  setMode(subject: string | null, mode: string | null): Promise<void>;
  /** The subject another subject name stands for (Confluent's subject alias), if one is set. */
  alias(subject: string): Promise<string | undefined>;
  setAlias(subject: string, target: string | null): Promise<void>;
  /**
   * The upgrade to layout 2, which the registry runs at start-up: the text and fingerprint of every stored schema
   * of `type` become what `rewrite` makes of them (ids, versions and references stay), in one transaction that
   * records the store as upgraded, so of several processes opening an old store at once one rewrites and the
   * others find it done. A store created at layout 2 has nothing to rewrite. Answers how many rows this call changed.
   */
  rewriteSchemas(type: SchemaType, rewrite: SchemaRewrite): Promise<number>;
  close(): Promise<void>;
}

/** The subject under which global settings are kept. */
export const GLOBAL = '';
