import { useEffect, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import { graphql } from '../gql';
import type { SubmissionErrorFieldsFragment, SubmissionFieldsFragment } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { ErrorNotice, Loading } from './feedback';
import { MoreButton, useMorePages } from './paging';
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
  }
`);

export const SubmissionErrorFields = graphql(`
  fragment SubmissionErrorFields on SubmissionError {
    rowNumber
    column
    value
    code
    messageEn
    messageNl
  }
`);

/** A page of one submission's errors: asked only where they are shown, paged with `after`. */
export const SubmissionErrorsDocument = graphql(`
  query SubmissionErrors($id: ID!, $first: Int!, $after: String) {
    submission(id: $id) {
      id
      errors(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...SubmissionErrorFields
        }
      }
    }
  }
`);

export type SubmissionRow = SubmissionFieldsFragment;
export type SubmissionErrorRow = SubmissionErrorFieldsFragment;

/** Errors asked a page at a time (the API gives at most 100 a page). */
export const ERRORS_PAGE = 50;

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

/** Errors of a submission: row, column, value and the message (Dutch first). */
export function ErrorsTable({ submission, errors }: { submission: Pick<SubmissionRow, 'id' | 'filename'>; errors: SubmissionErrorRow[] }) {
  const { t, locale } = useI18n();
  if (!errors.length) return null;
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
          {errors.map((e, i) => (
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

/**
 * Every error of one submission, on its own view: the first page asked when shown, the next ones
 * on request ("Meer tonen"). Nothing is asked while it has no errors; when its error count changes
 * (validation finished) the list is asked anew.
 */
export function SubmissionErrors({ submission }: { submission: SubmissionRow }) {
  if (submission.errorCount === 0) return null;
  return <PagedErrors key={`${submission.id}:${submission.errorCount}`} submission={submission} />;
}

function PagedErrors({ submission }: { submission: SubmissionRow }) {
  const i18n = useI18n();
  const client = useClient();
  const [{ data, fetching, error }] = useQuery({ query: SubmissionErrorsDocument, variables: { id: submission.id, first: ERRORS_PAGE } });
  const first = data?.submission?.errors;
  const paging = useMorePages<SubmissionErrorRow>(submission.id, first, async (after) => {
    const answer = await client.query(SubmissionErrorsDocument, { id: submission.id, first: ERRORS_PAGE, after }, { requestPolicy: 'network-only' }).toPromise();
    return { page: answer.data?.submission?.errors ?? null, error: answer.error ?? null };
  });
  return (
    <div data-testid="submission-errors">
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <ErrorsTable submission={submission} errors={paging.nodes} />
      {first && submission.errorCount > first.totalCount && (
        <p className="wz-small" data-testid="errors-kept">
          {i18n.t('errorsKept', { count: i18n.number(submission.errorCount), kept: i18n.number(first.totalCount) })}
        </p>
      )}
      <MoreButton paging={paging} />
    </div>
  );
}

/**
 * A submission's errors behind a button (a card of a list): the list asks only `errorCount`; the
 * errors are asked, a page at a time, when the button is pressed.
 */
export function ErrorsOnRequest({ submission }: { submission: SubmissionRow }) {
  const i18n = useI18n();
  const [open, setOpen] = useState(false);
  if (submission.errorCount === 0) return null;
  if (open) return <SubmissionErrors submission={submission} />;
  return (
    <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={() => setOpen(true)}>
      {i18n.t('showAllErrors', { count: i18n.number(submission.errorCount) })}
    </button>
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
