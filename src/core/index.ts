export { type AuditRecord, type AuditSink, noAudit, openAuditLog } from './audit.js';
export { ConfigError, commonOptions, envName, flagName, loadConfig } from './config.js';
export * from './define.js';
export { type Runtime, runTool } from './envelope.js';
export { Cancelled, Refusal, toSafeFailure } from './errors.js';
export { createLogger, type Logger, type LogLevel } from './log.js';
export { createRuntime, type RuntimeOptions } from './runtime.js';
export { buildMcpServer } from './server.js';
export { runStdio } from './stdio.js';
