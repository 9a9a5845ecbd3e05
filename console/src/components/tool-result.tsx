import type { ContentBlock } from '@modelcontextprotocol/client';
import type { CallOutcome } from '../tools';
import { RowsTable, rowsOf } from './rows-table';

/** One content block, as text: what a tool returns is never interpreted as markup, nor loaded as a URL. */
function Block({ block }: { block: ContentBlock }) {
  switch (block.type) {
    case 'text':
      return <pre className="text">{block.text}</pre>;
    case 'image':
    case 'audio':
      return (
        <p className="blob">
          [{block.type}, {block.mimeType}, {Math.floor((block.data.length * 3) / 4)} bytes]
        </p>
      );
    case 'resource':
      return (
        <div className="resource">
          <p>
            Resource <code>{block.resource.uri}</code>
          </p>
          {'text' in block.resource && typeof block.resource.text === 'string' && (
            <pre className="text">{block.resource.text}</pre>
          )}
        </div>
      );
    case 'resource_link':
      return (
        <p>
          Resource link <code>{block.uri}</code>
        </p>
      );
    default:
      return <pre className="json">{JSON.stringify(block, null, 2)}</pre>;
  }
}

export function ToolResult({ outcome }: { outcome: CallOutcome }) {
  const { result, failure, ms } = outcome;
  const failed = failure !== undefined || result?.isError === true;
  const rows = result?.isError ? undefined : rowsOf(result?.structuredContent);
  return (
    <section className={failed ? 'result failed' : 'result'} aria-labelledby="result-title">
      <h3 id="result-title">
        {failure !== undefined ? 'Call failed' : result?.isError ? 'Refused or failed' : 'Result'}{' '}
        <span className="took">{ms} ms</span>
      </h3>
      {failure !== undefined && <pre className="text">{failure}</pre>}
      {result?.content.map((block, i) => (
        // Blocks have no identity of their own; their order is the result's.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Block key={i} block={block} />
      ))}
      {rows && <RowsTable name={rows.name} rows={rows.rows} />}
      {result?.structuredContent !== undefined && (
        <details open={!rows}>
          <summary>Structured content</summary>
          <pre className="json">{JSON.stringify(result.structuredContent, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}
