import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import type { TaskforceQuery } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { RequireAbility } from '../components/Layout';
import { ErrorNotice, Loading, RefusalNotice, type Refusal } from '../components/feedback';
import { ErrorsOnRequest, SubmissionsTable, SubmissionWatcher, isFinal, type SubmissionRow } from '../components/submissions';
import { SubmissionStatusBadge } from '../components/status';

const TaskforceDocument = graphql(`
  query Taskforce {
    queue: submissions(filter: { statuses: [VALIDATED], dryRun: false }, first: 50) {
      totalCount
      nodes {
        ...SubmissionFields
      }
    }
    decided: submissions(filter: { statuses: [APPROVED, RETURNED, APPLIED], dryRun: false }, first: 10) {
      nodes {
        ...SubmissionFields
        observations(first: 100) {
          nodes {
            id
            period
            value
            version
            changeReason
            indicator {
              id
              code
              nameNl
              nameEn
            }
            jurisdiction {
              id
              code
              name
            }
            versions {
              id
              value
              version
              recordedAt
            }
          }
        }
      }
    }
  }
`);


const ApproveDocument = graphql(`
  mutation ApproveSubmission($id: ID!, $reason: String) {
    approveSubmission(id: $id, reason: $reason) {
      __typename
      ... on SubmissionDecided {
        submission {
          ...SubmissionFields
        }
      }
      ... on NotFound {
        message
        code
        messageNl
      }
      ... on NotAllowed {
        message
        code
        messageNl
      }
      ... on InvalidState {
        message
        code
        messageNl
      }
      ... on RateLimited {
        message
      }
    }
  }
`);

const ReturnDocument = graphql(`
  mutation ReturnSubmission($id: ID!, $reason: String!) {
    returnSubmission(id: $id, reason: $reason) {
      __typename
      ... on SubmissionDecided {
        submission {
          ...SubmissionFields
        }
      }
      ... on NotFound {
        message
        code
        messageNl
      }
      ... on NotAllowed {
        message
        code
        messageNl
      }
      ... on InvalidState {
        message
        code
        messageNl
      }
      ... on RateLimited {
        message
      }
    }
  }
`);

type Decision = 'approved' | 'returned';

/**
 * One submission to decide. After a decision the card stays (its confirmation and the
 * submission's new state, live) until the reviewer closes it or leaves the page, even when the
 * refreshed queue no longer holds the submission: the page keeps decided cards (`kept`).
 */
function Review({ submission, decision, onDecided, onDismiss }: { submission: SubmissionRow; decision: Decision | null; onDecided: (kind: Decision, row: SubmissionRow) => void; onDismiss: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const [approval, approve] = useMutation(ApproveDocument);
  const [giveBack, giveBackNow] = useMutation(ReturnDocument);
  const outcome = approval.data?.approveSubmission ?? giveBack.data?.returnSubmission;
  const refusal = outcome && outcome.__typename !== 'SubmissionDecided' ? (outcome as Refusal) : null;
  const id = submission.id.replace(/[^A-Za-z0-9]/g, '');
  const decide = async (kind: Decision) => {
    const answer = kind === 'approved' ? await approve({ id: submission.id, reason: reason || null }) : await giveBackNow({ id: submission.id, reason });
    const result = kind === 'approved' ? answer.data && 'approveSubmission' in answer.data ? answer.data.approveSubmission : null : answer.data && 'returnSubmission' in answer.data ? answer.data.returnSubmission : null;
    if (result?.__typename === 'SubmissionDecided') onDecided(kind, result.submission);
  };
  return (
    <li className={decision ? 'wz-card wz-card--decided' : 'wz-card'} data-review={submission.id} data-decided={decision ?? undefined}>
      <p>
        <strong>{submission.organisation.name}</strong> · {submission.filename ?? submission.channel} · {i18n.dateTime(submission.receivedAt)} · {t('rows')}:{' '}
        {i18n.number(submission.rowCount)} · <SubmissionStatusBadge status={submission.status} />
      </p>
      <ErrorsOnRequest submission={submission} />
      {!decision && (
        <div className="wz-inline-form">
          <div className="utrecht-form-field">
            <label className="utrecht-form-label" htmlFor={`reason-${id}`}>
              {t('returnReason')}
            </label>
            <input
              id={`reason-${id}`}
              className="utrecht-textbox utrecht-textbox--html-input"
              value={reason}
              aria-invalid={missingReason}
              aria-describedby={missingReason ? `reason-err-${id}` : undefined}
              onChange={(e) => {
                setReason(e.target.value);
                setMissingReason(false);
              }}
            />
            {missingReason && (
              <p id={`reason-err-${id}`} className="utrecht-form-field-error-message">
                {t('returnReasonRequired')}
              </p>
            )}
          </div>
          <button type="button" className="utrecht-button utrecht-button--primary-action" disabled={approval.fetching || giveBack.fetching} onClick={() => void decide('approved')}>
            {t('approve')}
          </button>
          <button
            type="button"
            className="utrecht-button utrecht-button--secondary-action"
            disabled={approval.fetching || giveBack.fetching}
            onClick={() => {
              if (!reason.trim()) setMissingReason(true);
              else void decide('returned');
            }}
          >
            {t('returnSubmission')}
          </button>
        </div>
      )}
      <ErrorNotice error={approval.error ?? giveBack.error} />
      <RefusalNotice refusal={refusal} />
      {decision && (
        <div className="wz-decision" data-testid="review-confirmation">
          <p role="status">
            {decision === 'approved' ? t('approved') : t('returned')} {t('statusNow')}: <SubmissionStatusBadge status={submission.status} />
            {submission.decisionReason && (
              <>
                {' '}
                · {t('decisionReason')}: {submission.decisionReason}
              </>
            )}
          </p>
          <button type="button" className="utrecht-button utrecht-button--subtle" onClick={onDismiss}>
            {t('dismiss')}
          </button>
        </div>
      )}
    </li>
  );
}

type Decided = TaskforceQuery['decided']['nodes'][number];

function Corrections({ decided }: { decided: Decided[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const rows = decided.flatMap((s) =>
    s.observations.nodes
      .filter((o) => o.version > 1)
      .map((o) => ({ s, o, previous: o.versions.find((v) => v.version === o.version - 1) })),
  );
  if (!rows.length) return <Paragraph>{t('none')}</Paragraph>;
  return (
    <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('corrections')}>
      <table className="utrecht-table utrecht-table--html-table wz-table" data-testid="corrections-table">
        <thead className="utrecht-table__header">
          <tr className="utrecht-table__row">
            <th scope="col" className="utrecht-table__header-cell">{t('indicator')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('municipality')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('period')}</th>
            <th scope="col" className="utrecht-table__header-cell wz-num">{t('oldValue')}</th>
            <th scope="col" className="utrecht-table__header-cell wz-num">{t('newValue')}</th>
            <th scope="col" className="utrecht-table__header-cell">{t('reason')}</th>
          </tr>
        </thead>
        <tbody className="utrecht-table__body">
          {rows.map(({ o, previous }) => (
            <tr key={o.id} className="utrecht-table__row">
              <td className="utrecht-table__cell">{i18n.name(o.indicator)}</td>
              <td className="utrecht-table__cell">{o.jurisdiction.name}</td>
              <td className="utrecht-table__cell">{i18n.period(o.period)}</td>
              <td className="utrecht-table__cell wz-num">{i18n.number(previous?.value)}</td>
              <td className="utrecht-table__cell wz-num">{i18n.number(o.value)}</td>
              <td className="utrecht-table__cell">{o.changeReason ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The queue with the cards decided here kept in place: newest first, each card keyed by its
 * submission, so a decided card keeps its state while the refreshed queue drops it.
 */
export function reviewCards(queue: SubmissionRow[], kept: Record<string, { kind: Decision; row: SubmissionRow }>, known: SubmissionRow[]): { row: SubmissionRow; decision: Decision | null }[] {
  const byId = new Map(known.map((s) => [s.id, s]));
  const cards = queue.filter((s) => !kept[s.id] && s.status === 'VALIDATED').map((row) => ({ row, decision: null as Decision | null }));
  for (const [id, { kind, row }] of Object.entries(kept)) cards.push({ row: byId.get(id) ?? row, decision: kind });
  return cards.sort((a, b) => (a.row.receivedAt < b.row.receivedAt ? 1 : a.row.receivedAt > b.row.receivedAt ? -1 : 0));
}

export function Workspace() {
  const { t } = useI18n();
  const [{ data, fetching, error }] = useQuery({ query: TaskforceDocument });
  const [kept, setKept] = useState<Record<string, { kind: Decision; row: SubmissionRow }>>({});
  const queue = data?.queue.nodes ?? [];
  // The newest state of a kept card: the live lists (updated by submissionChanged events) or the
  // mutation's answer.
  const cards = reviewCards(queue, kept, [...queue, ...(data?.decided.nodes ?? [])]);
  return (
    <>
      {cards
        .filter((c) => !isFinal(c.row))
        .map((c) => (
          <SubmissionWatcher key={c.row.id} id={c.row.id} />
        ))}
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <section aria-labelledby="queue-heading">
        <Heading2 id="queue-heading">
          {t('reviewQueue')} {data && `(${data.queue.totalCount})`}
        </Heading2>
        {data && cards.length === 0 && <Paragraph>{t('reviewEmpty')}</Paragraph>}
        <ul className="wz-cards">
          {cards.map(({ row, decision }) => (
            <Review
              key={row.id}
              submission={row}
              decision={decision}
              onDecided={(kind, decided) => setKept((k) => ({ ...k, [decided.id]: { kind, row: decided } }))}
              onDismiss={() =>
                setKept((k) => {
                  const rest = { ...k };
                  delete rest[row.id];
                  return rest;
                })
              }
            />
          ))}
        </ul>
      </section>
      <section aria-labelledby="corrections-heading">
        <Heading2 id="corrections-heading">{t('corrections')}</Heading2>
        <Corrections decided={data?.decided.nodes ?? []} />
      </section>
      <section aria-labelledby="decided-heading">
        <Heading2 id="decided-heading">{t('recentlyDecided')}</Heading2>
        {data && <SubmissionsTable submissions={data.decided.nodes} caption={t('recentlyDecided')} />}
      </section>
    </>
  );
}

export default function TaskforcePage() {
  const { t } = useI18n();
  usePageTitle(t('taskforceTitle'));
  return (
    <div data-testid="taskforce-ready">
      <Heading1>{t('taskforceTitle')}</Heading1>
      <RequireAbility ability="review">
        <Workspace />
      </RequireAbility>
    </div>
  );
}
