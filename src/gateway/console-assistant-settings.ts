import { ConfigError } from '../core/config.js';
import { isLoopbackBind } from '../guards/http.js';

/** The environment variables that turn the assistant on (the first three) and bound its wait (the last). */
export const ASSISTANT_ENV = {
  baseUrl: 'RAMPART_LLM_BASE_URL',
  apiKey: 'RAMPART_LLM_API_KEY',
  model: 'RAMPART_LLM_MODEL',
  timeout: 'RAMPART_LLM_TIMEOUT_SECONDS',
} as const;

/** An OpenAI-compatible chat endpoint. The key is behind a function, so no JSON or log of this object holds it. */
export interface AssistantSettings {
  readonly baseUrl: string;
  readonly apiKey: () => string;
  readonly model: string;
  readonly timeoutMs: number;
}

const DEFAULT_TIMEOUT_SECONDS = 60;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * The assistant's endpoint from the gateway's environment: undefined when none of the three variables is set, a
 * ConfigError naming the problem when they are set but unusable. The base URL is https, or http on loopback
 * only (the key travels in its requests), and holds no user name, password, query or fragment.
 */
export function assistantSettings(env: Record<string, string | undefined>): AssistantSettings | undefined {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const baseUrl = read(ASSISTANT_ENV.baseUrl);
  const apiKey = read(ASSISTANT_ENV.apiKey);
  const model = read(ASSISTANT_ENV.model);
  if (baseUrl === undefined && apiKey === undefined && model === undefined) return undefined;
  const missing = [
    [ASSISTANT_ENV.baseUrl, baseUrl],
    [ASSISTANT_ENV.apiKey, apiKey],
    [ASSISTANT_ENV.model, model],
  ]
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0 || !baseUrl || !apiKey || !model)
    throw new ConfigError(
      `the console's assistant needs ${ASSISTANT_ENV.baseUrl}, ${ASSISTANT_ENV.apiKey} and ${ASSISTANT_ENV.model}; ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
    );
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`${ASSISTANT_ENV.baseUrl} is not a URL (e.g. https://api.openai.com/v1)`);
  }
  // The value is not echoed: a URL with a password in it is exactly what this refuses.
  if (url.username || url.password)
    throw new ConfigError(
      `${ASSISTANT_ENV.baseUrl} must not hold a user name or password; the key goes in ${ASSISTANT_ENV.apiKey}`,
    );
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackBind(url.hostname)))
    throw new ConfigError(
      `${ASSISTANT_ENV.baseUrl} must be https (plain http is accepted only on loopback): the key travels with every request`,
    );
  if (url.search || url.hash)
    throw new ConfigError(`${ASSISTANT_ENV.baseUrl} must not have a query or fragment`);
  if (CONTROL.test(apiKey) || /\s/.test(apiKey))
    throw new ConfigError(`${ASSISTANT_ENV.apiKey} holds a space or a control character`);
  if (CONTROL.test(model) || model.length > 200)
    throw new ConfigError(`${ASSISTANT_ENV.model} must be a model name of at most 200 characters`);
  const timeoutText = read(ASSISTANT_ENV.timeout);
  const timeout = timeoutText === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(timeoutText);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600)
    throw new ConfigError(`${ASSISTANT_ENV.timeout} must be a whole number of seconds from 1 to 600`);
  return {
    baseUrl: url.href.replace(/\/$/, ''),
    apiKey: () => apiKey,
    model,
    timeoutMs: timeout * 1000,
  };
}
