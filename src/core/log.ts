import { redactText, redactValue } from '../guards/redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** One JSON object a line instead of human-readable text. */
  json?: boolean;
  scope?: string;
  write?: (line: string) => void;
}

/**
 * A logger that writes to stderr only: stdout is the stdio protocol channel. Every message and field is
 * redacted before it is written.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const safeFields = fields ? (redactValue(fields) as Record<string, unknown>) : undefined;
    const safeMessage = redactText(message);
    if (options.json) {
      write(
        JSON.stringify({
          ts: new Date().toISOString(),
          level: at,
          scope: options.scope,
          msg: safeMessage,
          ...safeFields,
        }),
      );
      return;
    }
    const scope = options.scope ? `[${options.scope}] ` : '';
    const extra = safeFields && Object.keys(safeFields).length > 0 ? ` ${JSON.stringify(safeFields)}` : '';
    write(`rampart ${at}: ${scope}${safeMessage}${extra}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (scope) =>
      createLogger({ ...options, scope: options.scope ? `${options.scope}.${scope}` : scope }),
  };
}

export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.message, stack: error.stack };
  return { error: String(error) };
}
