// "Meer tonen" for a connection the page's query already holds the first page of: the next pages
// come on request, so the page load stays one round trip.
import { useState } from 'react';
import type { CombinedError } from 'urql';
import { useI18n } from '../lib/i18n';
import { ErrorNotice } from './feedback';

export interface Page<Node> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  nodes: Node[];
}

/**
 * The nodes of `first` and of the pages fetched after it. The extra pages belong to `owner` (e.g.
 * an organisation's code) and are dropped when it changes or on `reset()` (after a change, when
 * the first page is asked again).
 */
export function useMorePages<Node>(owner: string, first: Page<Node> | null | undefined, fetchPage: (after: string | null) => Promise<{ page: Page<Node> | null; error?: CombinedError | null }>) {
  const [more, setMore] = useState<{ owner: string; nodes: Node[]; cursor: string | null; hasNext: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const extra = more?.owner === owner ? more : null;
  const nodes = [...(first?.nodes ?? []), ...(extra?.nodes ?? [])];
  return {
    nodes,
    total: first?.totalCount ?? 0,
    hasNext: extra ? extra.hasNext : !!first?.pageInfo.hasNextPage,
    busy,
    error,
    loadMore: async () => {
      setBusy(true);
      const answer = await fetchPage(extra ? extra.cursor : (first?.pageInfo.endCursor ?? null));
      setBusy(false);
      setError(answer.error ?? null);
      const page = answer.page;
      if (page) setMore({ owner, nodes: [...(extra?.nodes ?? []), ...page.nodes], cursor: page.pageInfo.endCursor ?? null, hasNext: page.pageInfo.hasNextPage });
    },
    reset: () => setMore(null),
  };
}

/** The button for the next page ("Meer tonen (100 van 157)"), and the failure of the last try. */
export function MoreButton({ paging }: { paging: { nodes: unknown[]; total: number; hasNext: boolean; busy: boolean; error: CombinedError | null; loadMore: () => Promise<void> } }) {
  const i18n = useI18n();
  return (
    <>
      {paging.hasNext && (
        <button type="button" className="utrecht-button utrecht-button--secondary-action" disabled={paging.busy} onClick={() => void paging.loadMore()}>
          {i18n.t('moreReports', { shown: i18n.number(paging.nodes.length), total: i18n.number(paging.total) })}
        </button>
      )}
      <ErrorNotice error={paging.error} />
    </>
  );
}
