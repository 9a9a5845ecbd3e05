/**
 * An error the REST API answers with Confluent's status, error code and message, so clients written for
 * Confluent Schema Registry recognise it (`{"error_code": 40401, "message": "Subject 'x' not found."}`).
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const subjectNotFound = (subject: string) =>
  new RegistryError(404, 40401, `Subject '${subject}' not found.`);
export const versionNotFound = (subject: string, version: string | number) =>
  new RegistryError(404, 40402, `Version ${version} not found for subject '${subject}'.`);
export const schemaNotFound = (what = 'Schema not found') => new RegistryError(404, 40403, what);
export const subjectSoftDeleted = (subject: string) =>
  new RegistryError(
    404,
    40404,
    `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
  );
export const subjectNotSoftDeleted = (subject: string) =>
  new RegistryError(
    404,
    40405,
    `Subject '${subject}' was not deleted first before being permanently deleted`,
  );
export const versionSoftDeleted = (subject: string, version: number) =>
  new RegistryError(
    404,
    40406,
    `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
  );
export const versionNotSoftDeleted = (subject: string, version: number) =>
  new RegistryError(
    404,
    40407,
    `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
  );
export const subjectLevelCompatibilityNotConfigured = (subject: string) =>
  new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const subjectLevelModeNotConfigured = (subject: string) =>
  new RegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`);
export const invalidSchema = (reason: string) => new RegistryError(422, 42201, `Invalid schema: ${reason}`);
export const invalidVersion = (version: string) =>
  new RegistryError(
    422,
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
export const invalidCompatibilityLevel = (level: string) =>
  new RegistryError(
    422,
    42203,
    `Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive: ${level}`,
  );
export const invalidAlias = (alias: unknown) =>
  new RegistryError(
    422,
    42203,
    `Invalid alias: ${JSON.stringify(alias)}; an alias names another subject ("" removes it)`,
  );
export const invalidMode = (mode: string) =>
  new RegistryError(422, 42204, `Invalid mode. Valid values are READWRITE, READONLY, IMPORT: ${mode}`);
export const operationNotPermitted = (message: string) => new RegistryError(422, 42205, message);
export const idTaken = (id: number, context = '') =>
  new RegistryError(422, 42205, `Overwrite new schema with id ${id} in context ${context} is not permitted.`);
/** Refused instead of Confluent's silent overwrite: an imported version may not replace another schema. */
export const versionTaken = (subject: string, version: number) =>
  new RegistryError(
    422,
    42205,
    `Overwrite of version ${version} of subject ${subject} with another schema is not permitted; delete it permanently first.`,
  );
export const versionNotNext = () =>
  new RegistryError(422, 42201, 'Invalid schema: Version is not one more than previous version');
export const unknownSchemaType = (type: string) =>
  new RegistryError(422, 42201, `Invalid schema type ${type}; use one of AVRO, JSON, PROTOBUF`);
export const invalidConfig = (message: string) => new RegistryError(422, 42203, message);
export const invalidModeRequest = (message: string) => new RegistryError(422, 42204, message);
export const contextNotEmpty = (context: string) =>
  new RegistryError(422, 42211, `The specified context '${context}' is not empty.`);
export const referenceExists = (message: string) => new RegistryError(422, 42206, message);
/** A registration refused by the compatibility check (Errors.INCOMPATIBLE_SCHEMA_ERROR_CODE, 40901 since 7.x). */
export class IncompatibleSchemaError extends RegistryError {
  constructor(
    readonly reasons: readonly string[],
    subject?: string,
  ) {
    super(
      409,
      40901,
      `Schema being registered is incompatible with an earlier schema for subject${subject === undefined ? '' : ` "${subject}"`}, details: [${reasons.join(', ')}]`,
    );
  }
}
export const incompatibleSchema = (reasons: readonly string[], subject?: string) =>
  new IncompatibleSchemaError(reasons, subject);
export const badRequest = (message: string) => new RegistryError(400, 400, message);
