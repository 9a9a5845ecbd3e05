import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { byteLength, LimitExceeded, type Limits } from '../guards/limits.js';
import { PathRefusal } from '../guards/path.js';
import { type AuditRecord, type AuditSink, noAudit, openAuditLog } from './audit.js';
import { requireConfirmation } from './confirm.js';
import { defineServer, defineTool, scopeOf, type ToolDefinition } from './define.js';
import { type CallInfo, describeInvalidArgs, type Runtime, runTool } from './envelope.js';
import { Cancelled, oneLine, Refusal, toSafeFailure } from './errors.js';
import { createLogger } from './log.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const GENERIC = 'internal error; the server log has the details';

let dir: string;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'rampart-envelope-')));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An audit sink that keeps its records in memory. */
function memoryAudit(): AuditSink & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return { enabled: true, records, record: (entry) => records.push(entry), close: async () => {} };
}

function runtime(limits: Partial<Limits> = {}, audit: AuditSink = noAudit): Runtime {
  return {
    limits: { maxArgBytes: 10_000, maxResultBytes: 100_000, timeoutMs: 5_000, ...limits },
    log: createLogger({ level: 'silent' }),
    audit,
  };
}

function call(signal: AbortSignal = new AbortController().signal): CallInfo {
  return { server: 'test', client: 'vitest', signal, progress: async () => {} };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function textOf(result: object): string {
  if (!('content' in result)) throw new Error('expected a tool result, got an input-required result');
  return (result.content as { text?: string }[]).map((block) => block.text ?? '').join('');
}

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes its input',
  input: z
    .object({ text: z.string(), times: z.number().int().min(1).default(1), token: z.string().optional() })
    .strict(),
  output: z.object({ text: z.string() }),
  annotations: READ_ONLY,
  handler: async (args) => ({ text: args.text.repeat(args.times) }),
});

function toolWith(
  handler: (args: { n: number }, ctx: Parameters<ToolDefinition['handler']>[1]) => Promise<unknown>,
): ToolDefinition {
  return defineTool({
    name: 'custom',
    title: 'Custom',
    description: 'A tool whose handler each test supplies',
    input: z.object({ n: z.number().default(0) }),
    output: z.object({ value: z.string() }),
    annotations: READ_ONLY,
    handler: handler as never,
  }) as unknown as ToolDefinition;
}

describe('runTool', () => {
  it('returns the structured result and its JSON text', async () => {
    const audit = memoryAudit();
    const result = await runTool(echo, { text: 'hi', times: 2 }, call(), runtime({}, audit));
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ text: 'hihi' });
    expect(JSON.parse(textOf(result))).toEqual({ text: 'hihi' });
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({ server: 'test', tool: 'echo', client: 'vitest', outcome: 'ok' });
  });

  it('turns a question for the user into an input-required result, and audits it as confirming', async () => {
    const audit = memoryAudit();
    const asking = toolWith(async (_args, ctx) => {
      requireConfirmation(ctx.confirmation, undefined, 'Drop everything?');
      return { value: 'dropped' };
    });
    const canAsk = { ...call(), confirmation: { answer: 'unasked', canAsk: true } as const };
    const result = await runTool(asking, {}, canAsk, runtime({}, audit));
    expect(result).toMatchObject({
      resultType: 'input_required',
      inputRequests: {
        rampart_confirm: { method: 'elicitation/create', params: { message: 'Drop everything?' } },
      },
    });
    expect(audit.records[0]).toMatchObject({ outcome: 'confirming', message: 'Drop everything?' });
    const accepted = { ...call(), confirmation: { answer: 'accepted', canAsk: true } as const };
    expect(textOf(await runTool(asking, {}, accepted, runtime()))).toMatch(/dropped/);
    expect(textOf(await runTool(asking, {}, call(), runtime()))).toMatch(/confirm: true/);
  });

  it('refuses invalid arguments with one line naming the argument', async () => {
    const audit = memoryAudit();
    const result = await runTool(echo, { text: 'hi', times: 0 }, call(), runtime({}, audit));
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^invalid arguments: argument "times": /);
    expect(text).not.toContain('\n');
    expect(audit.records[0]).toMatchObject({ outcome: 'refused', message: text });
  });

  it('refuses unknown arguments, naming them', async () => {
    const result = await runTool(echo, { text: 'hi', bogus: 1 }, call(), runtime());
    expect(textOf(result)).toBe('invalid arguments: unknown argument(s) "bogus"');
  });

  it('refuses a missing argument and a wrong type, one line for any bad input', async () => {
    expect(textOf(await runTool(echo, {}, call(), runtime()))).toMatch(/argument "text"/);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (args) => {
        const result = await runTool(echo, args, call(), runtime());
        const text = textOf(result);
        if (result.isError) {
          expect(text).not.toContain('\n');
          expect(text.length).toBeLessThanOrEqual(500);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses arguments over maxArgBytes before validating them', async () => {
    const audit = memoryAudit();
    let ran = false;
    const tool = toolWith(async () => {
      ran = true;
      return { value: 'x' };
    });
    const result = await runTool(
      tool,
      { n: 1, pad: 'x'.repeat(500) },
      call(),
      runtime({ maxArgBytes: 100 }, audit),
    );
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^arguments are \d+ bytes; the limit is 100$/);
    expect(ran).toBe(false);
    expect(audit.records[0]?.outcome).toBe('refused');
  });

  it('stops a handler that exceeds timeoutMs and audits a timeout', async () => {
    const audit = memoryAudit();
    const tool = toolWith(async () => {
      await sleep(2_000);
      return { value: 'late' };
    });
    const started = Date.now();
    const result = await runTool(tool, {}, call(), runtime({ timeoutMs: 50 }, audit));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('custom timed out after 50 ms');
    expect(audit.records[0]?.outcome).toBe('timeout');
  });

  it('gives the handler a signal that fires at the deadline', async () => {
    let seen: unknown;
    const tool = toolWith(async (_args, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      seen = ctx.signal.reason;
      return { value: 'x' };
    });
    await runTool(tool, {}, call(), runtime({ timeoutMs: 30 }));
    expect(seen).toBeInstanceOf(LimitExceeded);
  });

  it('audits a client cancellation (abort with a reason) as cancelled', async () => {
    const audit = memoryAudit();
    const controller = new AbortController();
    const tool = toolWith(async () => {
      await sleep(2_000);
      return { value: 'late' };
    });
    setTimeout(() => controller.abort('client cancelled the request'), 20);
    const result = await runTool(tool, {}, call(controller.signal), runtime({}, audit));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('cancelled by the client');
    expect(audit.records[0]?.outcome).toBe('cancelled');
  });

  it('audits a client cancellation (plain abort(), no reason) as cancelled', async () => {
    const audit = memoryAudit();
    const controller = new AbortController();
    const tool = toolWith(async () => {
      await sleep(2_000);
      return { value: 'late' };
    });
    setTimeout(() => controller.abort(), 20);
    const result = await runTool(tool, {}, call(controller.signal), runtime({}, audit));
    expect(result.isError).toBe(true);
    expect(audit.records[0]?.outcome).toBe('cancelled');
    expect(textOf(result)).not.toBe(GENERIC);
  });

  it('does not start the handler when the client already cancelled', async () => {
    const controller = new AbortController();
    controller.abort('gone');
    const audit = memoryAudit();
    const tool = toolWith(async () => {
      await sleep(2_000);
      return { value: 'x' };
    });
    const result = await runTool(tool, {}, call(controller.signal), runtime({}, audit));
    expect(result.isError).toBe(true);
    expect(audit.records[0]?.outcome).toBe('cancelled');
  });

  it('never leaks the message of an unexpected error', async () => {
    const audit = memoryAudit();
    const tool = toolWith(async () => {
      throw new Error('secret /etc/shadow content');
    });
    const result = await runTool(tool, {}, call(), runtime({}, audit));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(GENERIC);
    expect(JSON.stringify(result)).not.toContain('shadow');
    expect(audit.records[0]).toMatchObject({ outcome: 'error', message: GENERIC });
  });

  it('never leaks a thrown non-Error value', async () => {
    const tool = toolWith(async () => {
      throw { secret: 'root:x:0:0' };
    });
    const result = await runTool(tool, {}, call(), runtime());
    expect(textOf(result)).toBe(GENERIC);
  });

  it('shows a Refusal as is, on one line, with secrets redacted', async () => {
    const audit = memoryAudit();
    const tool = toolWith(async () => {
      throw new Refusal('cannot reach https://bob:hunter2@example.com\nretry later');
    });
    const result = await runTool(tool, {}, call(), runtime({}, audit));
    expect(textOf(result)).toBe('cannot reach https://[REDACTED]@example.com retry later');
    expect(audit.records[0]?.outcome).toBe('refused');
  });

  it('maps a filesystem error to its errno line without the path', async () => {
    const tool = toolWith(async () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, open '/secret/place'"), {
        code: 'ENOENT',
      });
    });
    const result = await runTool(tool, {}, call(), runtime());
    expect(textOf(result)).toBe('does not exist (ENOENT)');
  });

  it('refuses output that does not match the output schema with the generic error', async () => {
    const audit = memoryAudit();
    const tool = toolWith(async () => ({ value: 42, leaked: 'secret /etc/shadow content' }));
    const result = await runTool(tool, {}, call(), runtime({}, audit));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(GENERIC);
    expect(JSON.stringify(result)).not.toContain('shadow');
    expect(audit.records[0]?.outcome).toBe('error');
  });

  it('truncates a result larger than maxResultBytes, and the structured result still parses', async () => {
    const output = z.object({ path: z.string(), content: z.string(), lines: z.array(z.string()) });
    const tool = defineTool({
      name: 'big',
      title: 'Big',
      description: 'Returns too much',
      input: z.object({}),
      output,
      annotations: READ_ONLY,
      continuation: 'call again with offset=100',
      handler: async () => ({
        path: '/a',
        content: 'x'.repeat(50_000),
        lines: Array.from({ length: 2_000 }, (_, i) => `line ${i}`),
      }),
    });
    const maxResultBytes = 4096;
    const result = await runTool(tool, {}, call(), runtime({ maxResultBytes }));
    expect(result.isError).toBeUndefined();
    const text = textOf(result);
    expect(text).toContain('[truncated');
    expect(text).toContain('call again with offset=100');
    expect(byteLength(text)).toBeLessThanOrEqual(maxResultBytes);
    expect(byteLength(JSON.stringify(result.structuredContent))).toBeLessThanOrEqual(maxResultBytes);
    const parsed = output.parse(result.structuredContent);
    expect(parsed.path).toBe('/a');
    expect(parsed.content).toContain('[truncated');
  });

  it('caps the text and the structured content each at maxResultBytes, as the Limits doc says', async () => {
    const output = z.object({ content: z.string() });
    const tool = defineTool({
      name: 'big_text',
      title: 'Big text',
      description: 'Returns a long string',
      input: z.object({}),
      output,
      annotations: READ_ONLY,
      handler: async () => ({ content: 'x'.repeat(50_000) }),
    });
    const maxResultBytes = 4096;
    const result = await runTool(tool, {}, call(), runtime({ maxResultBytes }));
    expect(byteLength(textOf(result))).toBeLessThanOrEqual(maxResultBytes);
    expect(byteLength(JSON.stringify(result.structuredContent))).toBeLessThanOrEqual(maxResultBytes);
    expect(textOf(result)).toContain('[truncated');
  });

  it('keeps every result within maxResultBytes, whatever the handler returns', async () => {
    const output = z.object({
      items: z.array(z.string()),
      note: z.string(),
      meta: z.record(z.string(), z.string()),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 400 }), { maxLength: 80 }),
        fc.string({ unit: 'grapheme', maxLength: 3000 }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 200 }), { maxKeys: 30 }),
        fc.integer({ min: 2048, max: 8192 }),
        async (items, note, meta, maxResultBytes) => {
          const tool = defineTool({
            name: 'gen',
            title: 'Gen',
            description: 'Returns generated output',
            input: z.object({}),
            output,
            annotations: READ_ONLY,
            handler: async () => ({ items, note, meta }),
          });
          const result = await runTool(tool, {}, call(), runtime({ maxResultBytes }));
          expect(result.isError).toBeUndefined();
          expect(byteLength(textOf(result))).toBeLessThanOrEqual(maxResultBytes);
          expect(byteLength(JSON.stringify(result.structuredContent))).toBeLessThanOrEqual(maxResultBytes);
          expect(output.safeParse(result.structuredContent).success).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('uses the tool presenter for the text content', async () => {
    const tool = defineTool({
      ...echo,
      present: (result) => `said: ${result.text}`,
    });
    const result = await runTool(tool, { text: 'hi' }, call(), runtime());
    expect(textOf(result)).toBe('said: hi');
  });

  it('passes progress and limits to the handler', async () => {
    const reported: number[] = [];
    let limitsSeen: Limits | undefined;
    const tool = toolWith(async (_args, ctx) => {
      limitsSeen = ctx.limits;
      await ctx.progress(1, 2);
      return { value: 'x' };
    });
    await runTool(
      tool,
      {},
      { ...call(), progress: async (done) => void reported.push(done) },
      runtime({ maxResultBytes: 12_345 }),
    );
    expect(reported).toEqual([1]);
    expect(limitsSeen?.maxResultBytes).toBe(12_345);
  });
});

describe('describeInvalidArgs', () => {
  it('names at most three issues and counts the rest', () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() });
    const parsed = schema.safeParse({});
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const line = describeInvalidArgs(parsed.error);
    expect(line).toMatch(
      /^invalid arguments: argument "a": .*; argument "b": .*; argument "c": .* \(and 2 more\)$/,
    );
  });

  it('names nested arguments by their path', () => {
    const schema = z.object({ edits: z.array(z.object({ oldText: z.string() })) });
    const parsed = schema.safeParse({ edits: [{ oldText: 1 }] });
    if (parsed.success) throw new Error('expected failure');
    expect(describeInvalidArgs(parsed.error)).toMatch(/^invalid arguments: argument "edits\.0\.oldText": /);
  });
});

describe('errors', () => {
  it('maps known failures to safe lines', () => {
    expect(toSafeFailure(new Refusal('nope'))).toEqual({ message: 'nope', expected: true });
    expect(toSafeFailure(new PathRefusal('bad path'))).toEqual({ message: 'bad path', expected: true });
    expect(toSafeFailure(new LimitExceeded('too big'))).toEqual({ message: 'too big', expected: true });
    expect(toSafeFailure(new Cancelled('stop'))).toEqual({ message: 'stop', expected: true });
    expect(toSafeFailure(Object.assign(new Error('/x'), { code: 'EACCES' }))).toEqual({
      message: 'permission denied (EACCES)',
      expected: true,
    });
    expect(toSafeFailure(Object.assign(new Error('/x'), { code: 'EWHATEVER' })).expected).toBe(false);
    expect(toSafeFailure('string').message).toBe(GENERIC);
  });

  it('never lets an unexpected error message through', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (message) => {
        const failure = toSafeFailure(new Error(message));
        expect(failure).toEqual({ message: GENERIC, expected: false });
      }),
      { numRuns: 100 },
    );
  });

  it('keeps refusal messages to one line of at most 500 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (message) => {
        const line = oneLine(message);
        expect(line).not.toMatch(/\n/);
        expect(line.length).toBeLessThanOrEqual(500);
      }),
      { numRuns: 200 },
    );
  });
});

describe('define', () => {
  it('refuses tool names that are not snake_case', () => {
    expect(() => defineTool({ ...echo, name: 'Echo' })).toThrow(/snake_case/);
    expect(() => defineTool({ ...echo, name: 'read-file' })).toThrow(/snake_case/);
    expect(() => defineTool({ ...echo, name: '1tool' })).toThrow(/snake_case/);
  });

  it('refuses a server with a tool defined twice', () => {
    expect(() => defineServer({ name: 's', version: '1', tools: [echo, echo] as ToolDefinition[] })).toThrow(
      /defines tool "echo" twice/,
    );
  });

  it('derives scopes from annotations', () => {
    expect(scopeOf({ annotations: READ_ONLY })).toBe('read');
    expect(scopeOf({ annotations: { ...READ_ONLY, readOnlyHint: false } })).toBe('write');
    expect(scopeOf({ annotations: { ...READ_ONLY, readOnlyHint: false, destructiveHint: true } })).toBe(
      'admin',
    );
    expect(scopeOf({ scope: 'admin', annotations: READ_ONLY })).toBe('admin');
  });
});

describe('audit log', () => {
  it('writes one redacted JSON line per call, to a file of mode 0600', async () => {
    const file = path.join(dir, 'logs', 'audit.jsonl');
    const audit = await openAuditLog(file);
    const rt = runtime({}, audit);
    await runTool(echo, { text: 'hi', token: 'TOKEN-VALUE-123' }, call(), rt);
    await runTool(echo, { text: 'hi', times: -1, token: 'TOKEN-VALUE-456' }, call(), rt);
    await runTool(echo, { text: 'see https://me:hunter2@example.com' }, call(), rt);
    await audit.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('TOKEN-VALUE');
    expect(text).not.toContain('hunter2');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const records = lines.map((line) => JSON.parse(line) as AuditRecord);
    expect(records.map((r) => r.outcome)).toEqual(['ok', 'refused', 'ok']);
    expect(records[0]?.args).toEqual({ text: 'hi', token: '[REDACTED]' });
    for (const record of records) {
      expect(record).toMatchObject({ server: 'test', tool: 'echo', client: 'vitest' });
      expect(typeof record.ms).toBe('number');
      expect(Number.isNaN(Date.parse(record.ts))).toBe(false);
    }
  });

  it('appends to an existing log and tightens its mode to 0600', async () => {
    const file = path.join(dir, 'existing.jsonl');
    writeFileSync(file, '{"earlier":true}\n', { mode: 0o644 });
    const audit = await openAuditLog(file);
    await runTool(echo, { text: 'x' }, call(), runtime({}, audit));
    await audit.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('{"earlier":true}');
  });

  it('refuses a symlink path, even one to a file it could write', async () => {
    const target = path.join(dir, 'target.jsonl');
    writeFileSync(target, '');
    const link = path.join(dir, 'link.jsonl');
    symlinkSync(target, link);
    await expect(openAuditLog(link)).rejects.toThrow(/symbolic link/);
    const dangling = path.join(dir, 'dangling.jsonl');
    symlinkSync(path.join(dir, 'nowhere', 'x.jsonl'), dangling);
    await expect(openAuditLog(dangling)).rejects.toThrow(/symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('');
  });

  it('never writes a secret-keyed argument, whatever its value', async () => {
    const file = path.join(dir, 'prop', 'audit.jsonl');
    mkdirSync(path.dirname(file), { recursive: true });
    const audit = await openAuditLog(file);
    const secrets: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('password', 'token', 'apiKey', 'authorization', 'client_secret'),
        fc.stringMatching(/^[A-Za-z0-9]{6,20}$/),
        async (key, value) => {
          const secret = `SECRET${value}`;
          secrets.push(secret);
          await runTool(echo, { text: 'x', nested: { [key]: secret } }, call(), runtime({}, audit));
        },
      ),
      { numRuns: 50 },
    );
    await audit.close();
    const text = readFileSync(file, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(50);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
