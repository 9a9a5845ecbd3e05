export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: string): value is CompatibilityLevel {
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** Which way data must flow between the new schema and an old one, and against how many old ones. */
export function directionsOf(level: CompatibilityLevel): {
  backward: boolean;
  forward: boolean;
  transitive: boolean;
} {
  return {
    backward: level.startsWith('BACKWARD') || level.startsWith('FULL'),
    forward: level.startsWith('FORWARD') || level.startsWith('FULL'),
    transitive: level.endsWith('_TRANSITIVE'),
  };
}
