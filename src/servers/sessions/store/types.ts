import type { z } from 'zod';

/** One value in shared state, with the version compare_and_set checks (1 on first write, +1 on each change). */
export interface Entry {
  readonly value: unknown;
  readonly version: number;
  readonly updatedAt: string;
}

export interface CasResult {
  readonly ok: boolean;
  /** The entry after a successful swap, or the current one (undefined if absent) when the swap was refused. */
  readonly entry: Entry | undefined;
}

/** A numbered session slot held under a lease. */
export interface SlotLease {
  readonly slot: string;
  /** The opaque token of the server connection holding it; only that holder may renew or release it. */
  readonly holder: string;
  readonly machine: string;
  /** Epoch milliseconds; the slot is free once this passes. */
  readonly expiresAt: number;
}

export interface SlotRequest {
  readonly holder: string;
  readonly machine: string;
  /** A particular slot (`claude_3`), or the lowest free one when absent. */
  readonly slot?: string;
  readonly maxSlots: number;
  readonly ttlMs: number;
}

/** Why a slot claim failed: the slot asked for is held by someone else, or every slot is taken. */
export type SlotClaim =
  | { readonly ok: true; readonly lease: SlotLease }
  | { readonly ok: false; readonly heldBy?: SlotLease };

/**
 * Shared state for one project: scoped values with versions, and session slots under leases. Every
 * operation is atomic, also between processes (file store) and machines (Redis store).
 */
export interface SessionStore {
  readonly kind: 'file' | 'redis';
  /** Where the data lives, for messages (a directory, or a Redis URL without its password). */
  readonly location: string;
  get(scope: string, key: string): Promise<Entry | undefined>;
  set(scope: string, key: string, value: unknown): Promise<Entry>;
  delete(scope: string, key: string): Promise<boolean>;
  /** Writes only when the current version is `expected` (0: the key must not exist). */
  compareAndSet(scope: string, key: string, expected: number, value: unknown): Promise<CasResult>;
  /** Adds `by` to a number (an absent key counts as 0); refuses a value that is not a number. */
  increment(scope: string, key: string, by: number): Promise<Entry>;
  listKeys(scope: string): Promise<string[]>;
  listScopes(): Promise<string[]>;
  deleteScope(scope: string): Promise<boolean>;
  claimSlot(request: SlotRequest): Promise<SlotClaim>;
  /** Extends the holder's lease; undefined when it expired (and may now be someone else's). */
  renewSlot(slot: string, holder: string, ttlMs: number): Promise<SlotLease | undefined>;
  releaseSlot(slot: string, holder: string): Promise<boolean>;
  listSlots(): Promise<SlotLease[]>;
  /**
   * Reads one JSON document (leases, an inbox), lets `change` compute the next one and a result, and writes
   * it atomically. `change` must be pure: a store may run it again when another writer got there first.
   */
  transact<D, T>(
    document: Document<D>,
    change: (current: D, now: number) => { next: D; result: T },
  ): Promise<T>;
  read<D>(document: Document<D>): Promise<D>;
  listDocuments(): Promise<string[]>;
  close(): Promise<void>;
}

/** A named JSON document in the store, with the schema that proves what was read is whole, and its empty form. */
export interface Document<D> {
  readonly name: string;
  readonly schema: z.ZodType<D>;
  readonly empty: D;
}

export function slotName(n: number): string {
  return `claude_${n}`;
}
