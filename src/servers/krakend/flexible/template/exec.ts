import { TemplateError } from './errors.js';
import { FUNCTIONS, type FunctionContext, FunctionError } from './functions.js';
import type { Node, Pipe, Term } from './parser.js';
import { goString, isMap, NO_VALUE, truth, typeName, type Value } from './values.js';

/** Where a stretch of rendered output came from: a template or partial file and the line it starts on. */
export interface Segment {
  readonly start: number;
  readonly file: string;
  readonly line: number;
  /** Copied text (template text, a partial): lines inside it map one to one. An action's output maps to its line. */
  readonly verbatim: boolean;
}

export interface Sources {
  /** A sub-template by name (`{{template "x.tmpl" .}}`), parsed. */
  template(name: string): Promise<{ readonly nodes: readonly Node[]; readonly file: string }>;
  /** A partial's raw text by name (`{{include "x"}}`), with the file it came from. */
  partial(name: string): Promise<{ readonly text: string; readonly file: string }>;
}

export interface ExecOptions {
  /** Go's missingkey option: `invalid` prints <no value> (CE), `zero` an empty value, `error` stops (EE's default). */
  readonly missingKey: 'invalid' | 'zero' | 'error';
  readonly maxOutputBytes: number;
}

const MAX_TEMPLATE_DEPTH = 64;
const MAX_STEPS = 1_000_000;

class Control {
  constructor(readonly kind: 'break' | 'continue') {}
}

/** Renders parsed templates with Go's text/template semantics, recording where each piece of output came from. */
export class Renderer {
  private output = '';
  readonly segments: Segment[] = [];
  readonly notes = new Set<string>();
  private steps = 0;

  constructor(
    private readonly sources: Sources,
    private readonly options: ExecOptions,
  ) {}

  get text(): string {
    return this.output;
  }

  async render(nodes: readonly Node[], file: string, data: Value): Promise<void> {
    await this.list(nodes, { file, depth: 0, dot: data, vars: [{ name: '$', value: data }] });
  }

  private write(text: string, file: string, line: number, verbatim: boolean): void {
    if (text === '') return;
    if (this.output.length + text.length > this.options.maxOutputBytes)
      throw new TemplateError(
        file,
        line,
        `the rendered config is over the ${this.options.maxOutputBytes}-byte limit`,
      );
    this.segments.push({ start: this.output.length, file, line, verbatim });
    this.output += text;
  }

  private async list(nodes: readonly Node[], scope: Scope): Promise<void> {
    for (const node of nodes) await this.node(node, scope);
  }

  private async node(node: Node, scope: Scope): Promise<void> {
    if (++this.steps > MAX_STEPS)
      throw new TemplateError(scope.file, 'line' in node ? node.line : 1, 'the template runs too long');
    const fail = (reason: string): never => {
      throw new TemplateError(scope.file, node.line, reason);
    };
    switch (node.kind) {
      case 'text':
        this.write(node.text, scope.file, node.line, true);
        return;
      case 'action': {
        const value = await this.pipe(node.pipe, scope, node.line);
        if (node.pipe.declare.length === 0) this.writeValue(value, scope.file, node.line);
        return;
      }
      case 'break':
      case 'continue':
        throw new Control(node.kind);
      case 'if':
      case 'with': {
        const inner = child(scope);
        const value = await this.pipe(node.pipe, inner, node.line);
        if (truth(value)) await this.list(node.body, node.kind === 'with' ? { ...inner, dot: value } : inner);
        else await this.list(node.otherwise, inner);
        return;
      }
      case 'range': {
        const inner = child(scope);
        const value = await this.evalPipe({ ...node.pipe, declare: [] }, inner, node.line);
        const entries: [Value, Value][] = Array.isArray(value)
          ? value.map((v, i) => [BigInt(i), v])
          : isMap(value)
            ? Object.keys(value)
                .sort()
                .map((k) => [k, value[k]])
            : typeof value === 'bigint'
              ? Array.from({ length: Number(value) }, (_v, i) => [BigInt(i), BigInt(i)])
              : value === null || value === NO_VALUE
                ? []
                : fail(`range can't iterate over ${goString(value)} (${typeName(value)})`);
        if (entries.length === 0) {
          await this.list(node.otherwise, child(scope));
          return;
        }
        for (const [key, item] of entries) {
          const loop = child(scope);
          const [first, second] = node.pipe.declare;
          if (second !== undefined) {
            loop.vars.push({ name: first as string, value: key }, { name: second, value: item });
          } else if (first !== undefined) loop.vars.push({ name: first, value: item });
          try {
            await this.list(node.body, { ...loop, dot: item });
          } catch (error) {
            if (!(error instanceof Control)) throw error;
            if (error.kind === 'break') break;
          }
        }
        return;
      }
      case 'template': {
        if (scope.depth >= MAX_TEMPLATE_DEPTH) fail(`templates nest more than ${MAX_TEMPLATE_DEPTH} deep`);
        const data = node.pipe ? await this.pipe(node.pipe, scope, node.line) : null;
        let target: Awaited<ReturnType<Sources['template']>>;
        try {
          target = await this.sources.template(node.name);
        } catch (error) {
          if (error instanceof TemplateError) throw error;
          return fail(`template "${node.name}": ${(error as Error).message}`);
        }
        await this.list(target.nodes, {
          file: target.file,
          depth: scope.depth + 1,
          dot: data,
          vars: [{ name: '$', value: data }],
        });
        return;
      }
    }
  }

  /** A pipeline's value, declaring or assigning its variables in `scope`. */
  private async pipe(pipe: Pipe, scope: Scope, line: number): Promise<Value> {
    const value = await this.evalPipe(pipe, scope, line);
    for (const name of pipe.declare) {
      if (pipe.assign) {
        const existing = [...scope.vars].reverse().find((v) => v.name === name);
        if (!existing) throw new TemplateError(scope.file, line, `undefined variable: ${name}`);
        existing.value = value;
      } else scope.vars.push({ name, value });
    }
    return value;
  }

  private async evalPipe(pipe: Pipe, scope: Scope, line: number): Promise<Value> {
    let previous: Value | typeof UNSET = UNSET;
    for (const command of pipe.commands) previous = await this.command(command, scope, line, previous);
    return previous === UNSET ? null : previous;
  }

  private async command(
    terms: readonly Term[],
    scope: Scope,
    line: number,
    piped: Value | typeof UNSET,
  ): Promise<Value> {
    const [head, ...args] = terms;
    const fail = (reason: string): never => {
      throw new TemplateError(scope.file, line, reason);
    };
    if (head?.kind === 'fn') {
      if (!Object.hasOwn(FUNCTIONS, head.name))
        fail(
          `function "${head.name}" is not one Rampart renders (the Go builtins, KrakenD's include and marshal, and the Sprig functions its docs use)`,
        );
      const values: Value[] = [];
      for (const arg of args) values.push(await this.term(arg, scope, line));
      if (piped !== UNSET) values.push(piped);
      const context: FunctionContext = {
        include: async (name) => {
          const partial = await this.sources
            .partial(name)
            .catch((error: Error) => fail(`include "${name}": ${error.message}`));
          // The partial's text is copied as it is; its lines map to the partial file.
          return new Verbatim(partial.text, partial.file);
        },
        note: (text) => this.notes.add(text),
      };
      try {
        return await (FUNCTIONS[head.name] as (c: FunctionContext, a: Value[]) => Value)(context, values);
      } catch (error) {
        if (error instanceof FunctionError) return fail(`${head.name}: ${error.message}`);
        throw error;
      }
    }
    if (args.length > 0 || piped !== UNSET)
      fail(`can't give arguments to a non-function ${describe(head as Term)}`);
    return this.term(head as Term, scope, line);
  }

  private async term(term: Term, scope: Scope, line: number): Promise<Value> {
    switch (term.kind) {
      case 'literal':
        return term.value;
      case 'fn':
        return this.command([term], scope, line, UNSET);
      case 'dot':
        return this.fields(scope.dot, term.path, scope, line);
      case 'var': {
        const found = [...scope.vars].reverse().find((v) => v.name === term.name);
        if (!found) throw new TemplateError(scope.file, line, `undefined variable "${term.name}"`);
        return this.fields(found.value, term.path, scope, line);
      }
      case 'pipe':
        return this.fields(await this.evalPipe(term.pipe, scope, line), term.path, scope, line);
    }
  }

  private fields(start: Value, path: readonly string[], scope: Scope, line: number): Value {
    let value = start instanceof Verbatim ? start.text : start;
    for (const name of path) {
      if (value === NO_VALUE) {
        if (this.options.missingKey === 'error')
          throw new TemplateError(scope.file, line, `nil data; no entry for key "${name}"`);
        return value;
      }
      if (value === null)
        throw new TemplateError(scope.file, line, `nil pointer evaluating interface {}.${name}`);
      if (!isMap(value))
        throw new TemplateError(scope.file, line, `can't evaluate field ${name} in type ${typeName(value)}`);
      if (Object.hasOwn(value, name)) value = value[name];
      else if (this.options.missingKey === 'error')
        throw new TemplateError(scope.file, line, `map has no entry for key "${name}"`);
      else value = this.options.missingKey === 'zero' ? '' : NO_VALUE;
    }
    return value;
  }

  /** Output written for an action: a partial's text keeps its own file and lines. */
  writeValue(value: Value, file: string, line: number): void {
    if (value instanceof Verbatim) this.write(value.text, value.file, 1, true);
    else this.write(goString(value), file, line, false);
  }
}

const UNSET = Symbol('unset');

/** A partial's text on its way to the output, so the source map can point into the partial itself. */
export class Verbatim {
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}
  toString(): string {
    return this.text;
  }
}

interface Scope {
  readonly file: string;
  readonly depth: number;
  readonly dot: Value;
  readonly vars: { name: string; value: Value }[];
}

function child(scope: Scope): Scope {
  return { ...scope, vars: [...scope.vars] };
}

function describe(term: Term): string {
  return term.kind === 'literal' ? goString(term.value) : term.kind;
}
