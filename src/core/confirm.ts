import {
  CLIENT_CAPABILITIES_META_KEY,
  type InputRequiredResult,
  inputRequired,
} from '@modelcontextprotocol/server';
import { Refusal } from './errors.js';

/**
 * What the user said, through MCP elicitation, to the question a destructive tool asked earlier in this call:
 * `unasked` on the first round, then `accepted` or `declined` when the client retries with the answer.
 */
export type ConfirmationAnswer = 'unasked' | 'accepted' | 'declined';

export interface Confirmation {
  readonly answer: ConfirmationAnswer;
  /** Whether the client declared elicitation, so a question can be put to the user at all. */
  readonly canAsk: boolean;
}

export const NO_CONFIRMATION: Confirmation = { answer: 'unasked', canAsk: false };

/** The key the confirmation question travels under in `inputRequests` / `inputResponses`. */
const CONFIRM_KEY = 'rampart_confirm';

/** Thrown by a tool that must ask the user first; the envelope turns it into an input-required result. */
export class ConfirmationNeeded extends Error {
  override readonly name = 'ConfirmationNeeded';
  constructor(readonly question: string) {
    super(question);
  }
}

/**
 * Gates a destructive step: it may go ahead when the caller passed `confirm: true` or the user accepted the
 * question in this call. Otherwise the user is asked through elicitation when the client supports it, and the
 * call is refused (with nothing changed) when they decline or when there is no way to ask.
 */
export function requireConfirmation(
  confirmation: Confirmation,
  confirmFlag: boolean | undefined,
  question: string,
): void {
  if (confirmFlag === true || confirmation.answer === 'accepted') return;
  if (confirmation.answer === 'declined')
    throw new Refusal(`the user declined: ${question} Nothing was changed.`);
  if (confirmation.canAsk) throw new ConfirmationNeeded(question);
  throw new Refusal(
    `${question} This needs confirmation and the client cannot ask the user (no elicitation): ask them, then call again with confirm: true. Nothing was changed.`,
  );
}

/** The input-required result that asks the user one yes/no question in a form. */
export function confirmationRequest(question: string): InputRequiredResult {
  return inputRequired({
    inputRequests: {
      [CONFIRM_KEY]: inputRequired.elicit({
        message: question,
        requestedSchema: {
          type: 'object',
          properties: {
            confirm: { type: 'boolean', title: 'Go ahead', description: 'Tick to allow this change.' },
          },
          required: ['confirm'],
        },
      }),
    },
  });
}

interface ElicitationAnswer {
  action?: unknown;
  content?: { confirm?: unknown };
}

/** Reads the user's answer from a retried call's input responses; anything but an explicit yes is a no. */
export function readConfirmation(
  inputResponses: Record<string, unknown> | undefined,
  canAsk: boolean,
): Confirmation {
  const response = inputResponses?.[CONFIRM_KEY] as ElicitationAnswer | undefined;
  if (response === undefined || typeof response !== 'object' || response === null)
    return { answer: 'unasked', canAsk };
  const accepted = response.action === 'accept' && response.content?.confirm === true;
  return { answer: accepted ? 'accepted' : 'declined', canAsk };
}

/**
 * Whether the client can be asked: on the 2026-07-28 revision each request carries its capabilities in `_meta`;
 * on a 2025 connection they were declared at initialize.
 */
export function clientCanElicit(envelope: unknown, declared: { elicitation?: unknown } | undefined): boolean {
  const perRequest = (envelope as Record<string, { elicitation?: unknown } | undefined> | undefined)?.[
    CLIENT_CAPABILITIES_META_KEY
  ];
  return Boolean((perRequest ?? declared)?.elicitation);
}
