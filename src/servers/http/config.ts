import { z } from 'zod';
import { commonOptions } from '../../core/config.js';
import { checkAllowEntry, parseRanges } from '../../guards/net.js';
import { credentialSchema } from './credentials.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Request headers a caller may set unless the operator lists others. */
export const DEFAULT_ALLOW_HEADERS = [
  'accept',
  'accept-language',
  'cache-control',
  'content-type',
  'if-modified-since',
  'if-none-match',
  'range',
];

const ms = (fallback: number, what: string) => z.number().int().positive().default(fallback).describe(what);

export const httpConfigSchema = z.object({
  allowHosts: z
    .array(z.string().min(1))
    .default([])
    .superRefine((hosts, ctx) => {
      for (const host of hosts) {
        const problem = checkAllowEntry(host);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .describe(
      'Hosts that may be requested (exact, or *.suffix); none: any host whose addresses are all public',
    ),
  allowPrivate: z
    .array(z.string().min(1))
    .default([])
    .superRefine((ranges, ctx) => {
      const parsed = parseRanges(ranges);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
    })
    .describe(
      'Non-public address ranges the operator permits, as CIDR (e.g. 10.20.0.0/16 for an internal API)',
    ),
  allowMethods: z
    .array(z.enum(METHODS))
    .default(['GET', 'HEAD'])
    .describe('HTTP methods fetch may use (OpenAPI operations are limited to these too)'),
  allowHeaders: z
    .array(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'))
    .default(DEFAULT_ALLOW_HEADERS)
    .describe('Request headers a caller may set'),
  maxRedirects: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(5)
    .describe('Most redirects followed, each re-checked'),
  connectTimeoutMs: ms(10_000, 'Time to connect, in milliseconds'),
  headersTimeoutMs: ms(30_000, 'Time from request to response headers, in milliseconds'),
  totalTimeoutMs: ms(60_000, 'Time for the whole exchange, redirects and body included, in milliseconds'),
  maxRequestBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Largest request body'),
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024)
    .describe('Most response bytes read; the rest is never downloaded'),
  userAgent: z.string().min(1).default('rampart-http/0.1').describe('User-Agent'),
  openapi: z
    .string()
    .min(1)
    .optional()
    .describe('OpenAPI 3 spec (file or URL): each operation becomes a tool, and its server host is allowed'),
  credentials: z
    .array(credentialSchema)
    .default([])
    .describe('Credentials added per host; never shown to the model'),
  ...commonOptions,
});

export type HttpConfig = z.output<typeof httpConfigSchema>;
