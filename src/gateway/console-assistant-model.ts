import OpenAI from 'openai';
import { z } from 'zod';
import { type ProjectSpec, parseSpec, projectSpec, SpecError } from '../generator/index.js';
import type { AssistantSettings } from './console-assistant-settings.js';

/**
 * The assistant's conversation with the chat endpoint. This module is imported on the first assistant request
 * only, so a gateway start does not load the OpenAI client, the generator or the spec's JSON Schema.
 */

/** One turn of the conversation the page sends. */
export interface AssistantMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** What the assistant asks of the endpoint, and what the page gets back. */
export interface AssistantAnswer {
  readonly reply: string;
  readonly spec: ProjectSpec;
}

/** Why the assistant has no answer, in a sentence of our own: never the SDK's text, which can quote a key. */
export class AssistantFailure extends Error {
  constructor(
    readonly status: 502 | 504,
    readonly code: string,
    readonly outcome: 'error' | 'refused' | 'timeout' | 'cancelled',
    message: string,
    /** The audit record's line, when the message quotes the model's text (which may repeat the person's). */
    readonly logged: string = message,
  ) {
    super(message);
  }
}

/** The longest reply text the page is sent; a spec explanation needs far less. */
const MAX_REPLY = 2_000;

let systemPrompt: string | undefined;

/** The instructions: the answer's shape, the spec's JSON Schema, and the name rules the schema cannot carry. */
function instructions(): string {
  systemPrompt ??= [
    "You turn a person's description of an MCP server into a project spec for Rampart's generator (`rampart new`).",
    'Answer with exactly one JSON object and nothing else:',
    '{"reply": "<one to three sentences for the person: what you chose and why>", "spec": <the spec>}',
    'The spec must validate against this JSON Schema (one object shape per kind):',
    JSON.stringify(z.toJSONSchema(projectSpec, { io: 'input' })),
    'The kinds: fs serves files under its roots (readOnly: true for a server that only reads); git serves one',
    'repository; db serves a SQL database read-only (engine sqlite, postgres or mysql; the connection URL is read',
    'at run time from the environment variable named by urlEnv; schemas limits which schemas are shown); api',
    'serves an HTTP API from its OpenAPI 3 document, given whole as text in openapi; client calls other MCP',
    'servers; custom is a server whose named tools the person implements.',
    'Rules the schema cannot express: name is a new npm package name (lower case; a-z, 0-9, "-", ".", "_", "~";',
    'at most one @scope/; not starting with "." or "_"). Tool names are snake_case (a-z first, then a-z, 0-9 or',
    '_; at most 40 characters; no trailing "_" and no "__") and differ from each other.',
    'Never put a password, key, token or connection string in the spec. Where the description leaves something',
    'open, choose a safe default (read-only where possible) and say so in reply.',
  ].join('\n');
  return systemPrompt;
}

/** The answer's text as JSON: the object itself, or the one fenced block a model may wrap it in. */
function jsonOf(content: string): unknown {
  const fenced = /^```(?:json)?[ \t]*\n([\s\S]*?)\n```$/i.exec(content.trim());
  const text = fenced ? (fenced[1] as string) : content;
  try {
    return JSON.parse(text);
  } catch {
    const start = content.trim().slice(0, 60).replace(/\s+/g, ' ');
    throw new AssistantFailure(
      502,
      'invalid_answer',
      'refused',
      `the assistant's answer is not JSON (it begins "${start}${content.trim().length > 60 ? '…' : ''}"); ask again`,
      "the assistant's answer is not JSON",
    );
  }
}

/** The endpoint's text made into `{ reply, spec }`, the spec validated by the generator's own parser. */
export function answerOf(content: string | null | undefined, finishReason?: string): AssistantAnswer {
  if (!content?.trim())
    throw new AssistantFailure(502, 'invalid_answer', 'refused', 'the assistant answered nothing; ask again');
  if (finishReason === 'length')
    throw new AssistantFailure(
      502,
      'invalid_answer',
      'refused',
      "the assistant's answer was cut off before it ended (too long); ask for a smaller project",
    );
  const parsed = jsonOf(content);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new AssistantFailure(
      502,
      'invalid_answer',
      'refused',
      "the assistant's answer is not a JSON object; ask again",
    );
  const answer = parsed as { reply?: unknown; spec?: unknown; kind?: unknown };
  // A model that answers the spec alone is understood; anything else must carry a spec object.
  const candidate = answer.spec === undefined && typeof answer.kind === 'string' ? parsed : answer.spec;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate))
    throw new AssistantFailure(
      502,
      'invalid_answer',
      'refused',
      'the assistant\'s answer has no "spec" object; ask again',
    );
  let spec: ProjectSpec;
  try {
    spec = parseSpec(candidate);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw new AssistantFailure(
      502,
      'invalid_spec',
      'refused',
      `the assistant's spec is not valid: ${error.message}`,
    );
  }
  const reply = typeof answer.reply === 'string' ? answer.reply.trim().slice(0, MAX_REPLY) : '';
  return { reply, spec };
}

/** An SDK error as a sentence of our own. The SDK's message and body are never used: they can quote the key. */
function failureOf(error: unknown, settings: AssistantSettings): AssistantFailure {
  if (error instanceof OpenAI.APIUserAbortError)
    return new AssistantFailure(502, 'cancelled', 'cancelled', 'the request was cancelled');
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new AssistantFailure(
      504,
      'assistant_timeout',
      'timeout',
      `the assistant endpoint did not answer in ${Math.round(settings.timeoutMs / 1000)} s`,
    );
  if (error instanceof OpenAI.APIConnectionError)
    return new AssistantFailure(
      502,
      'assistant_unreachable',
      'error',
      'the assistant endpoint could not be reached',
    );
  if (error instanceof OpenAI.AuthenticationError)
    return new AssistantFailure(
      502,
      'assistant_key',
      'error',
      'the assistant endpoint refused the key (401)',
    );
  if (error instanceof OpenAI.PermissionDeniedError)
    return new AssistantFailure(
      502,
      'assistant_key',
      'error',
      `the assistant endpoint refused the key access to model "${settings.model}" (403)`,
    );
  if (error instanceof OpenAI.NotFoundError)
    return new AssistantFailure(
      502,
      'assistant_endpoint',
      'error',
      `the assistant endpoint has no model "${settings.model}", or no /chat/completions under its base URL (404)`,
    );
  if (error instanceof OpenAI.RateLimitError)
    return new AssistantFailure(
      502,
      'assistant_rate_limited',
      'error',
      "the assistant endpoint is limiting this key's requests, or its quota is used up (429); try again later",
    );
  if (error instanceof OpenAI.APIError && typeof error.status === 'number')
    return new AssistantFailure(
      502,
      'assistant_endpoint',
      'error',
      `the assistant endpoint answered ${error.status}`,
    );
  return new AssistantFailure(502, 'assistant_endpoint', 'error', 'the assistant endpoint failed');
}

/** A chat client of one configured endpoint; it keeps whether the endpoint accepts JSON mode. */
export class AssistantModel {
  readonly #settings: AssistantSettings;
  readonly #client: OpenAI;
  /** Whether to ask for response_format json_object: cleared when the endpoint answers 400 to it. */
  #jsonMode = true;

  constructor(settings: AssistantSettings) {
    this.#settings = settings;
    this.#client = new OpenAI({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey(),
      // Each retry would spend the key again, and the person can ask again.
      maxRetries: 0,
      timeout: settings.timeoutMs,
      // The SDK logs nothing (not even at OPENAI_LOG=debug), and takes nothing else from OPENAI_* variables.
      logLevel: 'off',
      organization: null,
      project: null,
      webhookSecret: null,
    });
  }

  /** Asks for a spec for the conversation; the answer is validated, or the failure explains why not. */
  async ask(messages: readonly AssistantMessage[], signal: AbortSignal): Promise<AssistantAnswer> {
    const conversation = [{ role: 'system' as const, content: instructions() }, ...messages];
    const request = (jsonMode: boolean) =>
      this.#client.chat.completions.create(
        {
          model: this.#settings.model,
          messages: conversation,
          ...(jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
        },
        { signal },
      );
    let completion: Awaited<ReturnType<typeof request>>;
    try {
      try {
        completion = await request(this.#jsonMode);
      } catch (error) {
        // An endpoint without JSON mode answers 400 to it; the instructions ask for JSON anyway.
        if (!(this.#jsonMode && error instanceof OpenAI.BadRequestError)) throw error;
        completion = await request(false);
        this.#jsonMode = false;
      }
    } catch (error) {
      throw failureOf(error, this.#settings);
    }
    const choice = completion.choices?.[0];
    return answerOf(choice?.message?.content, choice?.finish_reason);
  }
}
