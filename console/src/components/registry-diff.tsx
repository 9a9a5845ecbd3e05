import { useMemo } from 'react';
import { type DiffRow, diffCounts, type Side, sideBySide } from '../registry-diff';

function Cell({ side, change }: { side: Side | undefined; change: 'removed' | 'added' | 'same' }) {
  if (!side)
    return (
      <>
        <td className="line-no" />
        <td className="code empty" />
      </>
    );
  return (
    <>
      <td className="line-no">{side.number}</td>
      <td className={`code ${change}`}>
        {change !== 'same' && (
          <span className="sr-only">{change === 'removed' ? 'removed: ' : 'added: '}</span>
        )}
        {side.text}
      </td>
    </>
  );
}

function Row({ row }: { row: DiffRow }) {
  const same = row.kind === 'same';
  return (
    <tr className={`diff-${row.kind}`}>
      <Cell side={row.left} change={same ? 'same' : 'removed'} />
      <Cell side={row.right} change={same ? 'same' : 'added'} />
    </tr>
  );
}

/**
 * Two versions of a schema side by side, aligned line by line: removed lines on the left, added lines on the
 * right, unchanged lines on both. Every line is React text; nothing here is parsed as markup.
 */
export function SchemaDiff(props: { leftTitle: string; left: string; rightTitle: string; right: string }) {
  const rows = useMemo(() => sideBySide(props.left, props.right), [props.left, props.right]);
  const { removed, added } = diffCounts(rows);
  return (
    <table className="schema-diff">
      <caption>
        {removed === 0 && added === 0
          ? 'The two versions have the same text.'
          : `${removed} ${removed === 1 ? 'line' : 'lines'} removed (left), ${added} added (right).`}
      </caption>
      <colgroup>
        <col className="line-no-col" />
        <col />
        <col className="line-no-col" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th scope="col" colSpan={2}>
            {props.leftTitle}
          </th>
          <th scope="col" colSpan={2}>
            {props.rightTitle}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          // Rows are positions in the diff, which has no other identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <Row key={i} row={row} />
        ))}
      </tbody>
    </table>
  );
}
