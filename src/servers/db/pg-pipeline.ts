import type { QueryResult, SqlParam } from './engine.js';
import { type TextParser, textParser } from './pg-types.js';
import { jsonCell } from './values.js';

/** The parts of pg's wire connection this uses (pg-cursor uses the same). */
interface WireConnection {
  parse(config: { text: string }, more: boolean): void;
  bind(config: { values?: (string | null)[] }, more: boolean): void;
  describe(config: { type: 'P'; name?: string }, more: boolean): void;
  execute(config: { rows?: number }, more: boolean): void;
  sync(): void;
  sendCopyFail(message: string): void;
  readonly stream?: { cork(): void; uncork(): void };
}

interface Field {
  name: string;
  dataTypeID: number;
}

/** A text-format wire value as the driver would give it: parameters go over as text, or NULL. */
function wireValue(param: SqlParam): string | null {
  if (param === null) return null;
  return typeof param === 'string' ? param : String(param);
}

/**
 * One read in a single round trip: BEGIN READ ONLY, the transaction's settings, the statement (parse, bind,
 * describe, execute at most `maxRows + 1` rows), ROLLBACK, and one Sync, pipelined over the extended protocol.
 * The statement still runs alone (a Parse cannot carry two statements), inside a read-only transaction that is
 * always rolled back; only the waiting between the steps is gone. If any step fails, the server skips the rest
 * up to the Sync and the transaction is left aborted: the caller then rolls it back before reusing the
 * connection.
 */
export class ReadPipeline {
  private fields: Field[] = [];
  private parsers: TextParser[] = [];
  private readonly rows: unknown[][] = [];
  private error: Error | undefined;
  readonly done: Promise<QueryResult>;
  private settle!: { resolve(result: QueryResult): void; reject(error: Error): void };

  constructor(
    private readonly setup: readonly string[],
    private readonly sql: string,
    private readonly params: readonly SqlParam[],
    private readonly maxRows: number,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: WireConnection): void {
    // Corked, the fourteen messages leave in one write instead of fourteen.
    connection.stream?.cork();
    for (const text of ['BEGIN TRANSACTION READ ONLY', ...this.setup]) {
      connection.parse({ text }, true);
      connection.bind({}, true);
      connection.execute({}, true);
    }
    connection.parse({ text: this.sql }, true);
    connection.bind({ values: this.params.map(wireValue) }, true);
    connection.describe({ type: 'P' }, true);
    connection.execute({ rows: this.maxRows + 1 }, true);
    connection.parse({ text: 'ROLLBACK' }, true);
    connection.bind({}, true);
    connection.execute({}, true);
    connection.sync();
    connection.stream?.uncork();
  }

  handleRowDescription(message: { fields: Field[] }): void {
    this.fields = message.fields;
    this.parsers = message.fields.map((field) => textParser(field.dataTypeID));
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    const texts = message.fields;
    const row: unknown[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      row[i] = text === null || text === undefined ? null : jsonCell((this.parsers[i] as TextParser)(text));
    }
    this.rows.push(row);
  }

  handlePortalSuspended(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}

  handleCopyInResponse(connection: WireConnection): void {
    connection.sendCopyFail('COPY is not accepted');
  }

  handleCopyData(): void {}

  handleError(error: Error): void {
    // The client forgets this query after an error; the pipelined Sync still brings the connection back.
    this.error = error;
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.error) return;
    this.settle.resolve({
      columns: this.fields.map((f) => f.name),
      rows: this.rows.slice(0, this.maxRows),
      truncated: this.rows.length > this.maxRows,
    });
  }
}
