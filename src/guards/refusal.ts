/**
 * What every guard throws when it refuses: the message names the argument and the reason, and never carries a
 * secret or content from outside what the guard protects, so it may be shown to a model as it is.
 */
export class GuardRefusal extends Error {
  override readonly name: string = 'GuardRefusal';
}
