import type { RJSFSchema } from '@rjsf/utils';
import { ApiError, consoleFetch, reasonOf } from './api';

/** The kinds `rampart new` makes, in the order the page offers them. */
export const KINDS = ['fs', 'custom', 'git', 'db', 'api', 'client'] as const;
export type Kind = (typeof KINDS)[number];

export interface KindSchema {
  readonly kind: Kind;
  /** The kind's options (everything in its spec but `kind`) as JSON Schema. */
  readonly schema: RJSFSchema;
}

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export interface Generated {
  readonly files: readonly GeneratedFile[];
  /** What the generator left out or renamed (the api kind's unsupported operations). */
  readonly notes: readonly string[];
}

/** A spec the generator refused: `key` is the dotted path of the option it names (`tools.0.name`), if any. */
export class SpecRefusal extends ApiError {
  constructor(
    message: string,
    readonly key: string | undefined,
    readonly problem: string,
  ) {
    super(400, message);
  }
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

export async function kindSchemas(): Promise<readonly KindSchema[]> {
  const response = await consoleFetch('/console/api/generate/schema');
  if (!response.ok) throw new ApiError(response.status, await reasonOf(response));
  return ((await response.json()) as { kinds: KindSchema[] }).kinds;
}

/** `tools.0.name: tool name "X" must be …` → the key and the problem; a message naming no key has neither. */
function splitRefusal(message: string): { key: string | undefined; problem: string } {
  const match = /^([A-Za-z_$][\w$]*(?:\.[\w$]+)*): (.*)$/s.exec(message);
  return match ? { key: match[1], problem: match[2] ?? message } : { key: undefined, problem: message };
}

/** Asks the gateway to generate the project of `spec`; nothing is written anywhere but into the answer. */
export async function generateProject(spec: Record<string, unknown>): Promise<Generated> {
  const response = await consoleFetch('/console/api/generate', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  if (response.status === 400) {
    const reason = await reasonOf(response);
    const { key, problem } = splitRefusal(reason);
    throw new SpecRefusal(reason, key, problem);
  }
  if (!response.ok) throw new ApiError(response.status, await reasonOf(response));
  return (await response.json()) as Generated;
}
