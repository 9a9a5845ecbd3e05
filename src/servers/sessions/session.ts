import { randomBytes } from 'node:crypto';
import { Refusal } from '../../core/errors.js';
import { checkName } from '../../guards/state-names.js';
import type { Identity } from './identity.js';
import type { SessionStore, SlotLease } from './store/types.js';

export interface SessionPolicy {
  readonly maxSlots: number;
  readonly ttlMs: number;
}

/**
 * One connection's session: the slot it holds under a lease, renewed by every call. A lease that ran out
 * is reported on the next call (the slot may be someone else's by then), never silently taken back.
 */
export class Session {
  readonly holder = randomBytes(16).toString('hex');
  private lease: SlotLease | undefined;

  constructor(
    private readonly store: () => SessionStore,
    readonly identity: Identity,
    private readonly policy: SessionPolicy,
  ) {}

  get current(): SlotLease | undefined {
    return this.lease;
  }

  /** Takes a slot (the one asked for, else the one held, else the lowest free); a refusal keeps the one held. */
  async signOn(requested: string | undefined): Promise<SlotLease> {
    if (requested !== undefined) checkName(requested, 'session_id');
    const previous = this.lease;
    const claim = await this.store().claimSlot({
      holder: this.holder,
      machine: this.identity.machine,
      slot: requested ?? previous?.slot,
      maxSlots: this.policy.maxSlots,
      ttlMs: this.policy.ttlMs,
    });
    if (!claim.ok) {
      throw new Refusal(
        claim.heldBy
          ? `session ${claim.heldBy.slot} is held by another session on ${claim.heldBy.machine} until ` +
              `${new Date(claim.heldBy.expiresAt).toISOString()}; sign on without session_id to get a free one`
          : `all ${this.policy.maxSlots} session slots are taken; wait for one to sign off or expire`,
      );
    }
    if (previous && previous.slot !== claim.lease.slot)
      await this.store().releaseSlot(previous.slot, this.holder);
    this.lease = claim.lease;
    return claim.lease;
  }

  async signOff(): Promise<SlotLease | undefined> {
    const lease = this.lease;
    if (!lease) return undefined;
    this.lease = undefined;
    await this.store().releaseSlot(lease.slot, this.holder);
    return lease;
  }

  /** Renews the lease (any call counts as a heartbeat); refuses when not signed on or when the lease was lost. */
  async heartbeat(): Promise<SlotLease> {
    const lease = this.lease;
    if (!lease) throw new Refusal('sign on first: call sign_on, then use the shared state');
    const renewed = await this.store().renewSlot(lease.slot, this.holder, this.policy.ttlMs);
    if (!renewed) {
      this.lease = undefined;
      throw new Refusal(
        `session ${lease.slot} expired at ${new Date(lease.expiresAt).toISOString()} and was freed; ` +
          'call sign_on again (another session may hold that slot now)',
      );
    }
    this.lease = renewed;
    return renewed;
  }
}
