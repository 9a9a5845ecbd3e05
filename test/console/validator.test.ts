import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formValidator } from '../../console/src/form/validator.js';

/** A tool input schema as Rampart's tools publish it: zod, as JSON Schema 2020-12. */
const schema = z.toJSONSchema(
  z.object({
    path: z.string().min(1).describe('Path'),
    depth: z.number().int().min(0).optional(),
    options: z.object({ exclude: z.array(z.string()).max(2) }).optional(),
  }),
) as Record<string, unknown>;

describe('console form validator (no eval)', () => {
  it('accepts valid input', () => {
    expect(formValidator.validateFormData({ path: 'src', depth: 2 }, schema).errors).toEqual([]);
  });

  it('puts a missing required field on that field', () => {
    const { errors, errorSchema } = formValidator.validateFormData({}, schema);
    expect(errors).toEqual([
      expect.objectContaining({ name: 'required', property: '.path', message: 'is a required property' }),
    ]);
    expect(errorSchema).toEqual({ path: { __errors: ['is a required property'] } });
  });

  it('reports nested errors at their own path, without the carrier errors above them', () => {
    const { errors } = formValidator.validateFormData(
      { path: 'x', depth: -1, options: { exclude: ['a', 'b', 'c'] } },
      schema,
    );
    expect(errors.map((e) => [e.property, e.name])).toEqual([
      ['.depth', 'minimum'],
      ['.options.exclude', 'maxItems'],
    ]);
  });

  it('resolves $refs against the root schema in isValid', () => {
    const root = { $defs: { name: { type: 'string', minLength: 2 } }, type: 'object' } as const;
    expect(formValidator.isValid({ $ref: '#/$defs/name' }, 'ok', root)).toBe(true);
    expect(formValidator.isValid({ $ref: '#/$defs/name' }, 'x', root)).toBe(false);
  });

  it('leaves the schema it is given unchanged', () => {
    const before = JSON.stringify(schema);
    formValidator.validateFormData({ path: '' }, schema);
    expect(JSON.stringify(schema)).toBe(before);
  });
});
