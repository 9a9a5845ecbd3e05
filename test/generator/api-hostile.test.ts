import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generator/index.js';
import { argumentName, isCodeKey } from '../../src/generator/openapi/names.js';
import { typecheck } from '../helpers/typecheck.js';
import { HOSTILE } from './hostile.js';

const OPTIONS = { toolkit: '^0.1.0' };

interface Texts {
  readonly title: string;
  readonly summary: string;
  readonly description: string;
  readonly parameterDescription: string;
  readonly parameterName: string;
  readonly enumValue: string;
  readonly bodyKey: string;
  readonly bodyDescription: string;
  readonly scheme: string;
}

/** An OpenAPI document whose every piece of free text is `texts`. */
function document(t: Texts): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: t.title, version: '1', description: t.description },
    servers: [{ url: 'https://api.example.com/v1' }],
    components: {
      securitySchemes: { [t.scheme]: { type: 'http', scheme: 'bearer', description: t.description } },
    },
    paths: {
      '/items/{id}': {
        get: {
          operationId: 'get_item',
          summary: t.summary,
          description: t.description,
          security: [{ [t.scheme]: [] }],
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: t.parameterDescription,
              schema: { type: 'string' },
            },
            {
              name: t.parameterName,
              in: 'query',
              description: t.parameterDescription,
              schema: { type: 'string', enum: [t.enumValue, 'plain'], description: t.description },
            },
          ],
          responses: { '200': { description: t.description } },
        },
      },
      '/items': {
        post: {
          operationId: 'add_item',
          summary: t.summary,
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  description: t.bodyDescription,
                  properties: { [t.bodyKey]: { type: 'string', description: t.bodyDescription } },
                },
              },
            },
          },
          responses: {},
        },
      },
    },
  });
}

const PLAIN: Omit<Texts, 'parameterName' | 'bodyKey'> = {
  title: 'Items',
  summary: 'An item',
  description: 'Plain words.',
  parameterDescription: 'A parameter.',
  enumValue: 'other',
  bodyDescription: 'A body.',
  scheme: 'token',
};

const project = (t: Texts) => generate({ kind: 'api', name: 'hostile-api', openapi: document(t) }, OPTIONS);

describe('rampart new api keeps hostile text in an OpenAPI document out of the code', () => {
  it('summaries, descriptions, titles, enum values, scheme names and parameter names change no code; the project still typechecks', () => {
    const folders = new Map<string, Map<string, string>>();
    fc.assert(
      fc.property(
        fc.record({
          title: HOSTILE,
          summary: HOSTILE,
          description: HOSTILE,
          parameterDescription: HOSTILE,
          parameterName: HOSTILE.filter((s) => s !== ''),
          enumValue: HOSTILE,
          bodyKey: HOSTILE,
          bodyDescription: HOSTILE,
          scheme: HOSTILE.filter((s) => s !== ''),
        }),
        (hostile) => {
          // Two parameters whose argument names collide are a different spec: not what this property is about.
          fc.pre(
            !['id', 'body'].includes(argumentName(hostile.parameterName)) && hostile.enumValue !== 'plain',
          );
          const files = project(hostile);
          // The plain twin: the same spec with plain text, a parameter already named as its argument, and a body
          // key that is code-safe exactly when the hostile one is.
          const plain = project({
            ...PLAIN,
            parameterName: argumentName(hostile.parameterName),
            bodyKey: isCodeKey(hostile.bodyKey) ? hostile.bodyKey : 'not-an-identifier',
          });
          for (const [file, text] of plain)
            if (file.endsWith('.ts')) expect(files.get(file), file).toBe(text);
          expect([...files.keys()].filter((f) => f.endsWith('.ts')).sort()).toEqual(
            [...plain.keys()].filter((f) => f.endsWith('.ts')).sort(),
          );
          // The text is data, byte for byte.
          const settings = JSON.parse(files.get('src/api.json') as string);
          expect(settings.title).toBe(hostile.title);
          const get = settings.operations.get_item;
          expect(get.parameters[1].name).toBe(hostile.parameterName);
          expect(get.arguments[get.parameters[1].arg].schema.enum).toEqual([hostile.enumValue, 'plain']);
          expect(get.security).toEqual([[hostile.scheme]]);
          expect(Object.keys(settings.schemes)).toEqual([hostile.scheme]);
          // The README shows it escaped: no fence, heading or HTML of its own.
          const fences = (text: string) => text.split('\n').filter((l) => l.startsWith('```')).length;
          expect(fences(files.get('README.md') as string)).toBe(fences(plain.get('README.md') as string));
          if (folders.size < 6) folders.set(`hostile-api-${folders.size}`, files);
        },
      ),
      { numRuns: 40 },
    );
    expect(typecheck(folders)).toEqual([]);
  }, 180_000);
});
