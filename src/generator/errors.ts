/** A spec the generator refuses, in one line that names what to change. */
export class SpecError extends Error {}
