import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Confirmation, ConfirmationNeeded, readConfirmation, requireConfirmation } from './confirm.js';
import { Refusal } from './errors.js';

const QUESTION = 'Delete subject orders-value (2 versions) from registry dev?';

function outcome(confirmation: Confirmation, flag: boolean | undefined): 'go' | 'ask' | 'refuse' {
  try {
    requireConfirmation(confirmation, flag, QUESTION);
    return 'go';
  } catch (error) {
    if (error instanceof ConfirmationNeeded) return 'ask';
    if (error instanceof Refusal) return 'refuse';
    throw error;
  }
}

describe('requireConfirmation', () => {
  it('lets a destructive step go ahead only on confirm: true or an accepted question', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('unasked', 'accepted', 'declined') as fc.Arbitrary<Confirmation['answer']>,
        fc.boolean(),
        fc.constantFrom(undefined, true, false),
        (answer, canAsk, flag) => {
          const result = outcome({ answer, canAsk }, flag);
          const allowed = flag === true || answer === 'accepted';
          expect(result === 'go').toBe(allowed);
          if (!allowed) expect(result).toBe(answer === 'unasked' && canAsk ? 'ask' : 'refuse');
        },
      ),
    );
  });

  it('says nothing was changed and how to go on when it refuses', () => {
    expect(() => requireConfirmation({ answer: 'unasked', canAsk: false }, undefined, QUESTION)).toThrow(
      /no elicitation\): ask them, then call again with confirm: true\. Nothing was changed\./,
    );
    expect(() => requireConfirmation({ answer: 'declined', canAsk: true }, undefined, QUESTION)).toThrow(
      /^the user declined: Delete subject orders-value .* Nothing was changed\.$/,
    );
  });
});

describe('readConfirmation', () => {
  it('counts only an accepted form with confirm exactly true as a yes', () => {
    const yes = { rampart_confirm: { action: 'accept', content: { confirm: true } } };
    expect(readConfirmation(yes, true).answer).toBe('accepted');
    expect(readConfirmation(undefined, true).answer).toBe('unasked');
    expect(readConfirmation({}, true).answer).toBe('unasked');
    fc.assert(
      fc.property(
        fc.constantFrom('accept', 'decline', 'cancel', 'ACCEPT', 1, null),
        fc.anything(),
        (action, confirm) => {
          const answer = readConfirmation({ rampart_confirm: { action, content: { confirm } } }, true).answer;
          expect(answer).toBe(action === 'accept' && confirm === true ? 'accepted' : 'declined');
        },
      ),
    );
  });
});
