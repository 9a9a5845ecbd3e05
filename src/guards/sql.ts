import { type LexDialect, SqlLexError, type Token, tokenize } from './sql-lexer.js';

/**
 * The statement gate for SQLite and MySQL/MariaDB: the second layer behind the engine's own read-only mode
 * (read-only open, `query_only` and the statement's readonly flag in SQLite; a READ ONLY transaction, one
 * prepared statement in MySQL). It admits one statement of an allowed kind, and refuses what an engine's
 * read-only mode does not stop: server files (`INTO OUTFILE`, `LOAD_FILE`), extension loading, connection
 * settings, locks, and names qualified with a schema outside the allowlist.
 */

export type GateMode = 'read' | 'write';

export type GateVerdict =
  | {
      readonly ok: true;
      /** First keyword, e.g. SELECT. */
      readonly kind: string;
      /**
       * Qualifiers (`x` in `x.y`) outside the allowlist that may be table aliases or may be schemas: the caller
       * asks the engine which of them name a schema, and refuses those.
       */
      readonly qualifiers: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

const READ_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
const WRITE_STARTS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'ALTER', 'DROP']);
const STRUCTURE_VERBS = new Set(['CREATE', 'ALTER', 'DROP']);
/** What may follow CREATE / DROP / ALTER in write mode: data objects, never code, users or databases. */
const WRITE_OBJECTS = new Set(['TABLE', 'INDEX', 'VIEW', 'UNIQUE', 'TEMPORARY', 'TEMP', 'OR', 'IF']);

const DENIED_FUNCTIONS: Record<LexDialect, ReadonlySet<string>> = {
  sqlite: new Set(['LOAD_EXTENSION', 'FTS3_TOKENIZER', 'READFILE', 'WRITEFILE', 'EDIT', 'SQLITE_ATTACH']),
  mysql: new Set([
    'LOAD_FILE',
    'SLEEP',
    'BENCHMARK',
    'GET_LOCK',
    'RELEASE_LOCK',
    'RELEASE_ALL_LOCKS',
    'IS_FREE_LOCK',
    'IS_USED_LOCK',
    'MASTER_POS_WAIT',
    'SOURCE_POS_WAIT',
    'MASTER_GTID_WAIT',
    'SYS_EXEC',
    'SYS_EVAL',
  ]),
};

/** Schemas every query may read: system catalogs, which the engine itself filters by privilege. */
const ALWAYS_READABLE: Record<LexDialect, ReadonlySet<string>> = {
  sqlite: new Set(['main', 'temp']),
  mysql: new Set(['information_schema']),
};

function refuse(reason: string): GateVerdict {
  return { ok: false, reason };
}

function nameOf(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'identifier') return token.text;
  if (token.kind === 'word') return token.text.toLowerCase();
  return undefined;
}

/** The statement's tokens, refusing a second statement (a lone trailing `;` is fine). */
function singleStatement(tokens: Token[]): Token[] | string {
  const semicolon = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';');
  if (semicolon === -1) return tokens;
  if (semicolon === tokens.length - 1) return tokens.slice(0, -1);
  return 'only one statement is accepted; remove everything after the first ";"';
}

export interface GateOptions {
  readonly dialect: LexDialect;
  readonly mode: GateMode;
  /** Schemas (MySQL databases) the statement may name. */
  readonly allowedSchemas: readonly string[];
}

export function gateStatement(sql: string, options: GateOptions): GateVerdict {
  let all: Token[];
  try {
    all = tokenize(sql, options.dialect);
  } catch (error) {
    if (error instanceof SqlLexError) return refuse(error.message);
    throw error;
  }
  const tokens = singleStatement(all);
  if (typeof tokens === 'string') return refuse(tokens);
  const first = tokens.find((t) => !(t.kind === 'punct' && t.text === '('));
  if (!first) return refuse('the statement is empty');
  const kind = first.kind === 'word' ? first.text : '';
  const allowedStarts = options.mode === 'read' ? READ_STARTS : new Set([...READ_STARTS, ...WRITE_STARTS]);
  if (!allowedStarts.has(kind)) {
    const what = kind || first.text;
    return refuse(
      options.mode === 'read'
        ? `only SELECT, WITH, VALUES and TABLE statements can be run here, not ${what}`
        : `${what} statements are not accepted; execute runs INSERT, UPDATE, DELETE, REPLACE and CREATE/ALTER/DROP of tables, indexes and views`,
    );
  }
  if (STRUCTURE_VERBS.has(kind)) {
    const object = tokens[tokens.indexOf(first) + 1];
    if (object?.kind !== 'word' || !WRITE_OBJECTS.has(object.text)) {
      return refuse(
        `${kind} ${object?.text ?? ''} is not accepted: only tables, indexes and views can be created, altered or dropped`,
      );
    }
  }

  const denied = DENIED_FUNCTIONS[options.dialect];
  const allowed = new Set([...options.allowedSchemas, ...ALWAYS_READABLE[options.dialect]]);
  const qualifiers = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const after = tokens[i + 1];
    if (token.kind === 'word') {
      if (after?.kind === 'punct' && after.text === '(' && denied.has(token.text)) {
        return refuse(
          `${token.text.toLowerCase()}() is not accepted: it reaches outside the database or holds locks`,
        );
      }
      if (token.text === 'ATTACH' || token.text === 'DETACH' || token.text === 'PRAGMA') {
        return refuse(`${token.text} is not accepted`);
      }
      if (options.dialect === 'mysql') {
        if (token.text === 'INTO' && kind !== 'INSERT' && kind !== 'REPLACE') {
          return refuse('SELECT … INTO is not accepted (it writes files or variables)');
        }
        if (token.text === 'OUTFILE' || token.text === 'DUMPFILE' || token.text === 'INFILE') {
          return refuse(`${token.text} is not accepted: it reads or writes files on the database server`);
        }
      }
      if (
        (token.text === 'FOR' &&
          after?.kind === 'word' &&
          (after.text === 'UPDATE' || after.text === 'SHARE')) ||
        (token.text === 'LOCK' && after?.kind === 'word' && after.text === 'IN')
      ) {
        if (options.mode === 'read') return refuse('locking reads (FOR UPDATE, FOR SHARE) are not accepted');
      }
    }
    const qualifier = nameOf(token);
    if (qualifier !== undefined && after?.kind === 'punct' && after.text === '.') {
      const before = tokens[i - 1];
      // Only the first part of a dotted name can be a schema (`schema.table.column`).
      if (before?.kind === 'punct' && before.text === '.') continue;
      const folded = options.dialect === 'sqlite' ? qualifier.toLowerCase() : qualifier;
      if (!allowed.has(folded) && !allowed.has(folded.toLowerCase())) qualifiers.add(qualifier);
    }
  }
  // With ATTACH refused, a SQLite connection has no schema besides main and temp, so its qualifiers are aliases.
  return { ok: true, kind, qualifiers: options.dialect === 'sqlite' ? [] : [...qualifiers] };
}
