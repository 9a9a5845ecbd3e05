import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../../core/define.js';
import type { GuardedClient } from './client.js';
import { page, render } from './content.js';
import type { Credentials } from './credentials.js';

export interface FetchToolOptions {
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly allowHosts: readonly string[];
}

const fetchOutput = z.object({
  url: z.string().describe('Where the content came from, after redirects'),
  status: z.number().int(),
  contentType: z.string(),
  format: z.enum(['markdown', 'json', 'text', 'binary']),
  content: z.string().describe('This page of the content'),
  startIndex: z.number().int(),
  totalLength: z.number().int().describe('Length of the whole converted content, in characters'),
  nextStartIndex: z
    .number()
    .int()
    .optional()
    .describe('Pass as start_index to read on; absent on the last page'),
  truncatedAtCap: z.boolean().describe('True when the response was larger than the byte cap and cut there'),
});

export function fetchTool(
  client: GuardedClient,
  credentials: Credentials,
  options: FetchToolOptions,
): ToolDefinition {
  const writes = options.allowMethods.some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(m));
  const hosts =
    options.allowHosts.length > 0
      ? `Only these hosts: ${options.allowHosts.join(', ')}.`
      : 'Any public host.';
  return defineTool({
    name: 'fetch',
    title: 'Fetch URL',
    description:
      `Fetches an http(s) URL and returns its content: HTML as Markdown (raw=true for the HTML), JSON pretty-printed, ` +
      `other text as it is. ${hosts} Internal, loopback and cloud-metadata addresses are refused, also through ` +
      'redirects. Long content comes in pages: call again with start_index=nextStartIndex.',
    input: z.object({
      url: z.string().min(1).describe('http or https URL'),
      method: z
        .enum(options.allowMethods as [string, ...string[]])
        .default('GET')
        .describe(`HTTP method: ${options.allowMethods.join(', ')}`),
      headers: z
        .record(z.string(), z.string())
        .default({})
        .describe(`Request headers; allowed: ${options.allowHeaders.join(', ')}`),
      body: z.string().optional().describe('Request body (with a method that takes one)'),
      max_length: z
        .number()
        .int()
        .positive()
        .max(1_000_000)
        .default(5_000)
        .describe('Most characters returned'),
      start_index: z.number().int().min(0).default(0).describe('Character to start at, for the next page'),
      raw: z.boolean().default(false).describe('Return HTML or JSON as received, without conversion'),
    }),
    output: fetchOutput,
    annotations: {
      readOnlyHint: !writes,
      destructiveHint: writes,
      idempotentHint: !writes,
      openWorldHint: true,
    },
    continuation: 'call again with a larger start_index or a smaller max_length',
    handler: async (args, ctx) => {
      const response = await client.send({
        url: args.url,
        method: args.method,
        headers: args.headers,
        ...(args.body !== undefined ? { body: args.body } : {}),
        signal: ctx.signal,
      });
      const contentType = response.contentType;
      const rendered = render(response.body, contentType, args.raw);
      const shown = page(credentials.scrub(rendered.text), args.start_index, args.max_length);
      return {
        url: credentials.scrub(response.url.href),
        status: response.status,
        contentType,
        format: rendered.kind,
        content: shown.text,
        startIndex: shown.startIndex,
        totalLength: shown.totalLength,
        ...(shown.nextStartIndex !== undefined ? { nextStartIndex: shown.nextStartIndex } : {}),
        truncatedAtCap: response.truncated,
      };
    },
    present: (r) => {
      const head = `${r.status} ${r.url} (${r.contentType || 'no content type'})`;
      const notes = [
        r.nextStartIndex !== undefined
          ? `[showing characters ${r.startIndex}–${r.nextStartIndex} of ${r.totalLength}; call again with start_index=${r.nextStartIndex}]`
          : undefined,
        r.truncatedAtCap
          ? '[the response was larger than the size cap; the rest was not downloaded]'
          : undefined,
      ].filter((n): n is string => n !== undefined);
      return [head, '', r.content, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
    },
  });
}
