import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import type { TaskforceQuery } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { RequireAbility } from '../components/Layout';
import { ErrorNotice, Loading, RefusalNotice, type Refusal } from '../components/feedback';
import { ErrorsTable, SubmissionsTable, SubmissionWatcher, type SubmissionRow } from '../components/submissions';

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

function Review({ submission }: { submission: SubmissionRow }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const [approval, approve] = useMutation(ApproveDocument);
  const [giveBack, giveBackNow] = useMutation(ReturnDocument);
  const outcome = approval.data?.approveSubmission ?? giveBack.data?.returnSubmission;
  const refusal = outcome && outcome.__typename !== 'SubmissionDecided' ? (outcome as Refusal) : null;
  const id = submission.id.replace(/[^A-Za-z0-9]/g, '');
  return (
    <li className="wz-card" data-review={submission.id}>
      <p>
        <strong>{submission.organisation.name}</strong> · {submission.filename ?? submission.channel} · {i18n.dateTime(submission.receivedAt)} · {t('rows')}:{' '}
        {i18n.number(submission.rowCount)}
      </p>
      <ErrorsTable submission={submission} />
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
        <button type="button" className="utrecht-button utrecht-button--primary-action" disabled={approval.fetching} onClick={() => void approve({ id: submission.id, reason: reason || null })}>
          {t('approve')}
        </button>
        <button
          type="button"
          className="utrecht-button utrecht-button--secondary-action"
          disabled={giveBack.fetching}
          onClick={() => {
            if (!reason.trim()) setMissingReason(true);
            else void giveBackNow({ id: submission.id, reason });
          }}
        >
          {t('returnSubmission')}
        </button>
      </div>
      <ErrorNotice error={approval.error ?? giveBack.error} />
      <RefusalNotice refusal={refusal} />
      {outcome?.__typename === 'SubmissionDecided' && <p role="status">{approval.data ? t('approved') : t('returned')}</p>}
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

function Workspace() {
  const { t } = useI18n();
  const [{ data, fetching, error }] = useQuery({ query: TaskforceDocument });
  return (
    <>
      {data?.queue.nodes.map((s) => (
        <SubmissionWatcher key={s.id} id={s.id} />
      ))}
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <section aria-labelledby="queue-heading">
        <Heading2 id="queue-heading">
          {t('reviewQueue')} {data && `(${data.queue.totalCount})`}
        </Heading2>
        {data && data.queue.nodes.length === 0 && <Paragraph>{t('reviewEmpty')}</Paragraph>}
        <ul className="wz-cards">
          {data?.queue.nodes.map((s) => (
            <Review key={s.id} submission={s} />
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
