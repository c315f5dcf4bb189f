import { useEffect } from 'react';
import { useClient, useSubscription } from 'urql';
import { graphql } from '../gql';
import type { SubmissionFieldsFragment } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { SubmissionStatusBadge } from './status';

export const SubmissionFields = graphql(`
  fragment SubmissionFields on Submission {
    id
    status
    channel
    filename
    dryRun
    rowCount
    errorCount
    receivedAt
    validatedAt
    decidedAt
    decisionReason
    appliedAt
    organisation {
      id
      code
      name
    }
    errors {
      rowNumber
      column
      value
      code
      messageEn
      messageNl
    }
  }
`);

export type SubmissionRow = SubmissionFieldsFragment;

const SubmissionChangedDocument = graphql(`
  subscription SubmissionChanged($id: ID!) {
    submissionChanged(id: $id) {
      ...SubmissionFields
    }
  }
`);

const SubmissionNowDocument = graphql(`
  query SubmissionNow($id: ID!) {
    submission(id: $id) {
      ...SubmissionFields
    }
  }
`);

const FINAL = new Set(['REJECTED', 'RETURNED', 'APPLIED']);

export function isFinal(s: Pick<SubmissionRow, 'status' | 'dryRun'>): boolean {
  return FINAL.has(s.status) || (s.dryRun && s.status === 'VALIDATED');
}

/** Keeps one submission live: each event updates the normalised cache, so every list re-renders. */
export function SubmissionWatcher({ id, onEvent }: { id: string; onEvent?: (s: SubmissionRow) => void }) {
  const [result] = useSubscription({ query: SubmissionChangedDocument, variables: { id } });
  const client = useClient();
  useEffect(() => {
    if (result.data && onEvent) onEvent(result.data.submissionChanged);
  }, [result.data, onEvent]);
  // A change between the list's answer and the subscription's start has no event of its own:
  // ask once more when the subscription is surely up (the answer updates the cache).
  useEffect(() => {
    const timer = window.setTimeout(() => {
      void client.query(SubmissionNowDocument, { id }, { requestPolicy: 'network-only' }).toPromise();
    }, 1500);
    return () => window.clearTimeout(timer);
  }, [client, id]);
  return null;
}

/** Every error of a submission: row, column, value and the message (Dutch first). */
export function ErrorsTable({ submission }: { submission: SubmissionRow }) {
  const { t, locale } = useI18n();
  if (!submission.errors.length) return null;
  return (
    <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('errorsIn', { file: submission.filename ?? submission.id })}>
      <table className="utrecht-table utrecht-table--html-table wz-table" data-testid="errors-table">
        <caption className="utrecht-table__caption">{t('errorsIn', { file: submission.filename ?? submission.id })}</caption>
        <thead className="utrecht-table__header">
          <tr className="utrecht-table__row">
            <th scope="col" className="utrecht-table__header-cell wz-num">{t('row')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('column')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('value')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('message')}</th>
            <th scope="col" className="utrecht-table__header-cell">code</th>
          </tr>
        </thead>
        <tbody className="utrecht-table__body">
          {submission.errors.map((e, i) => (
            <tr key={i} className="utrecht-table__row">
              <td className="utrecht-table__cell wz-num">{e.rowNumber ?? t('wholeFile')}</td>
              <td className="utrecht-table__cell">{e.column ?? '–'}</td>
              <td className="utrecht-table__cell">
                <code>{e.value ?? ''}</code>
              </td>
              <td className="utrecht-table__cell" lang={locale === 'nl' ? 'nl' : 'en'}>
                {locale === 'nl' ? e.messageNl : e.messageEn}
              </td>
              <td className="utrecht-table__cell wz-small">{e.code}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SubmissionsTable({ submissions, caption }: { submissions: SubmissionRow[]; caption: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <div className="wz-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="utrecht-table utrecht-table--html-table wz-table" data-testid="submissions-table">
        <caption className="utrecht-table__caption">{caption}</caption>
        <thead className="utrecht-table__header">
          <tr className="utrecht-table__row">
            <th scope="col" className="utrecht-table__header-cell">{t('receivedAt')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('file')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('organisation')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('status')}</th>
            <th scope="col" className="utrecht-table__header-cell wz-num">{t('rows')}</th>
            <th scope="col" className="utrecht-table__header-cell wz-num">{t('errors')}</th>
          </tr>
        </thead>
        <tbody className="utrecht-table__body">
          {submissions.map((s) => (
            <tr key={s.id} className="utrecht-table__row" data-submission={s.id}>
              <td className="utrecht-table__cell">{i18n.dateTime(s.receivedAt)}</td>
              <td className="utrecht-table__cell">
                {s.filename ?? s.channel}
                {s.dryRun && <span className="wz-tag"> {t('dryRunBadge')}</span>}
              </td>
              <td className="utrecht-table__cell">{s.organisation.name}</td>
              <td className="utrecht-table__cell">
                <SubmissionStatusBadge status={s.status} />
                {s.decisionReason && (
                  <div className="wz-small">
                    {t('decisionReason')}: {s.decisionReason}
                  </div>
                )}
              </td>
              <td className="utrecht-table__cell wz-num">{i18n.number(s.rowCount)}</td>
              <td className="utrecht-table__cell wz-num">{i18n.number(s.errorCount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
