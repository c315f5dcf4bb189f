import { useEffect, useRef, useState } from 'react';
import { useSubscription } from 'urql';
import { graphql } from '../gql';
import { useI18n } from './i18n';

export function usePageTitle(title: string | null | undefined) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = title ? `${title} · ${t('appName')}` : t('appName');
  }, [title, t]);
}

const ProgressChangedDocument = graphql(`
  subscription ProgressChanged($jurisdictionCode: String!) {
    progressChanged(jurisdictionCode: $jurisdictionCode) {
      jurisdiction {
        id
        code
      }
      progress(first: 100) {
        nodes {
          id
          basis
          period
          status
          realised
          percentOfTarget
          expectedByNow
          gap
          forecastTrend
          forecastPipeline
          flags
          computedAt
        }
      }
    }
  }
`);

/** One subscription to progressChanged for one jurisdiction; calls onChange on every event. */
export function ProgressWatcher({ code, onChange }: { code: string; onChange: (code: string) => void }) {
  const callback = useRef(onChange);
  callback.current = onChange;
  const [result] = useSubscription({ query: ProgressChangedDocument, variables: { jurisdictionCode: code } });
  useEffect(() => {
    if (result.data) callback.current(code);
  }, [result.data, code]);
  return null;
}

/**
 * Live progress: the snapshots in an event update the normalised cache by themselves; the page is
 * also asked again (network-only), so it stays right when an event carries no snapshots.
 */
export function useLiveRefresh(refetch: () => void): { lastUpdate: Date | null; onChange: () => void } {
  const [lastUpdate, setLastUpdate] = useState<Date | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const onChange = () => {
    window.clearTimeout(timer.current);
    // Several jurisdictions change in one recompute: refetch once.
    timer.current = window.setTimeout(() => {
      refetch();
      setLastUpdate(new Date());
    }, 150);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return { lastUpdate, onChange };
}
