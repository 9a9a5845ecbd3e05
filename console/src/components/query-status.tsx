import type { ReactNode } from 'react';

/**
 * A query's state as every page words it: `loading` as a status line while it has no answer, its error as an
 * alert (after `failed`, when given, such as "The metrics are unavailable: ").
 */
export function QueryStatus({
  query,
  loading,
  failed = '',
}: {
  query: { readonly isPending: boolean; readonly error: Error | null };
  loading?: ReactNode;
  failed?: string;
}) {
  return (
    <>
      {loading !== undefined && query.isPending && <p className="status">{loading}</p>}
      {query.error && (
        <p role="alert">
          {failed}
          {query.error.message}
        </p>
      )}
    </>
  );
}
