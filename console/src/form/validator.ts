import { type OutputUnit, type Schema, Validator } from '@cfworker/json-schema';
import {
  createErrorHandler,
  type RJSFSchema,
  type RJSFValidationError,
  toErrorSchema,
  unwrapErrorHandler,
  type ValidationData,
  type ValidatorType,
  validationDataMerge,
} from '@rjsf/utils';

/**
 * The form library's validator, over @cfworker/json-schema instead of ajv: ajv compiles each schema to code
 * with new Function, which the console's CSP (no 'unsafe-eval') forbids; cfworker interprets the schema.
 * The tool still validates its own input on the server: this only tells the person sooner.
 */

/** Keywords that only carry their subschemas' errors: the leaf errors under them say what is wrong. */
const CARRIERS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'contains',
  'allOf',
  '$ref',
  '$recursiveRef',
  '$dynamicRef',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

const REQUIRED = /^Instance does not have required property "(.*)"\.$/;

/** `#/a/0/b` (a JSON pointer in a URI fragment) as the form library writes a field: `.a.0.b`. */
function property(instanceLocation: string, child?: string): string {
  const segments = instanceLocation
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s).replaceAll('~1', '/').replaceAll('~0', '~'));
  if (child !== undefined) segments.push(child);
  return segments.map((s) => `.${s}`).join('');
}

export function toFormErrors(units: readonly OutputUnit[]): RJSFValidationError[] {
  const errors: RJSFValidationError[] = [];
  for (const unit of units) {
    if (CARRIERS.has(unit.keyword)) continue;
    const missing = unit.keyword === 'required' ? REQUIRED.exec(unit.error)?.[1] : undefined;
    const at = property(unit.instanceLocation, missing);
    const message = missing === undefined ? unit.error : 'is a required property';
    errors.push({
      name: unit.keyword,
      property: at,
      message,
      schemaPath: unit.keywordLocation,
      stack: `${at || '.'} ${message}`,
    });
  }
  return errors;
}

/** Validates against `schema`, with the root's definitions beside it so that its $refs resolve. */
function validate(schema: RJSFSchema, data: unknown, root?: RJSFSchema): OutputUnit[] {
  // cfworker annotates the schema object it is given: it gets a copy, never the form's own.
  const copy = structuredClone(
    root && root !== schema ? { ...schema, $defs: root.$defs, definitions: root.definitions } : schema,
  );
  return new Validator(copy as Schema, '2020-12', false).validate(data).errors;
}

export const formValidator: ValidatorType = {
  validateFormData(formData, schema, customValidate, transformErrors, uiSchema): ValidationData<unknown> {
    let errors = toFormErrors(validate(schema, formData ?? {}));
    if (transformErrors) errors = transformErrors(errors, uiSchema);
    const data: ValidationData<unknown> = { errors, errorSchema: toErrorSchema(errors) };
    if (!customValidate) return data;
    const handler = customValidate(formData, createErrorHandler(formData), uiSchema);
    return validationDataMerge(data, unwrapErrorHandler(handler));
  },
  isValid(schema, formData, rootSchema) {
    try {
      return validate(schema, formData, rootSchema).length === 0;
    } catch {
      return false;
    }
  },
  rawValidation(schema, formData) {
    try {
      return { errors: validate(schema, formData) as never[] };
    } catch (error) {
      return { validationError: error as Error };
    }
  },
};
