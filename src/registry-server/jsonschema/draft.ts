/** The JSON Schema draft a document is read as. */
export type Draft = 4 | 6 | 7 | 2019 | 2020;

// Confluent's registry loads these four exact URLs with its 2020-12 loader (json-sKema); anything else, including
// the same URLs with a trailing "#", with its draft-07 loader (everit).
const MODERN: ReadonlyMap<string, Draft> = new Map([
  ['http://json-schema.org/draft/2019-09/schema', 2019],
  ['https://json-schema.org/draft/2019-09/schema', 2019],
  ['http://json-schema.org/draft/2020-12/schema', 2020],
  ['https://json-schema.org/draft/2020-12/schema', 2020],
]);

/** The draft `$schema` names; draft-07 when it names none Confluent knows. */
export function draftOf(document: unknown): Draft {
  const declared =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? (document as { $schema?: unknown }).$schema
      : undefined;
  if (typeof declared !== 'string') return 7;
  return MODERN.get(declared) ?? (/draft-04/.test(declared) ? 4 : /draft-06/.test(declared) ? 6 : 7);
}

/** 2019-09 and 2020-12 share one loader and one set of keywords in Confluent's registry. */
export const isModern = (draft: Draft): boolean => draft >= 2019;
