/**
 * `rampart-mcp/toolkit`: the public, semver-stable way to build a hardened MCP server on Rampart's own code.
 * Every export has a runnable example in docs/toolkit.md, compiled and run by test/toolkit/docs.test.ts.
 */
export { type AuditRecord, type AuditSink, noAudit, openAuditLog } from '../core/audit.js';
export {
  type ContentBlock,
  defineServer,
  defineTool,
  READ_ONLY,
  type ServerDefinition,
  type ToolAnnotationsSpec,
  type ToolContext,
  type ToolDefinition,
} from '../core/define.js';
export { Cancelled, Refusal } from '../core/errors.js';
export type { RuntimeOptions } from '../core/runtime.js';
export { capText, DEFAULT_LIMITS, LimitExceeded, type Limits, truncateUtf8 } from '../guards/limits.js';
export type { Resolver } from '../guards/net-dial.js';
export { PathRefusal } from '../guards/path.js';
export { isSecretKey, redactText, redactValue } from '../guards/redact.js';
export { type GateVerdict, gateStatement } from '../guards/sql.js';
export {
  ApiClient,
  type ApiClientOptions,
  type ApiClientSettings,
  type ApiOperationSettings,
  type OperationResult,
  openApiClient,
} from './api.js';
export { defineOperationTool, type OperationToolSpec, zodFromJsonSchema } from './api-tool.js';
export {
  admitSql,
  type DatabaseOptions,
  type Engine,
  openDatabase,
  type QueryResult,
  type SqlParam,
} from './db.js';
export {
  checkRepoPath,
  checkRevision,
  GitRefusal,
  type GitRepository,
  type GitRunner,
  type OpenedRepository,
  openRepository,
} from './git.js';
export { type RunningHttp, type ServeHttpOptions, serveHttp } from './http.js';
export {
  type CredentialConfig,
  createGuardedClient,
  GuardedClient,
  type GuardedClientOptions,
} from './net.js';
export {
  type LoadOpenApiOptions,
  loadOpenApiText,
  MAX_OPENAPI_BYTES,
  type OpenApiDocument,
  openApiSchema,
  openApiServerUrl,
  parseOpenApi,
  resolveOpenApiRef,
} from './openapi.js';
export {
  listDirectoryInSandbox,
  openSandbox,
  readTextInSandbox,
  Sandbox,
  writeTextInSandbox,
} from './sandbox.js';
export { type ServeStdioOptions, serveStdio } from './stdio.js';
export { connectTestClient, type TestClient, type ToolAnswer } from './testing.js';
