import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Heading1, Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import type { MeasuresBoardQuery, MeasureStatus } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { can, useSession } from '../lib/auth';
import { ErrorNotice, Loading, RefusalNotice, type Refusal } from '../components/feedback';
import { MeasureStatusBadge } from '../components/status';

const MeasuresBoardDocument = graphql(`
  query MeasuresBoard($measureFilter: MeasureFilter, $documentFilter: PolicyDocumentFilter, $after: String) {
    policyDocuments(filter: $documentFilter, first: 100) {
      nodes {
        id
        code
        title
        status
        jurisdiction {
          id
          code
          name
        }
      }
    }
    measures(filter: $measureFilter, first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        code
        title
        description
        status
        percentComplete
        plannedStart
        due
        document {
          id
          code
          title
        }
        actionLine {
          id
          code
          title
          position
          parent {
            id
            code
            title
          }
        }
        owner {
          id
          code
          name
        }
        statusUpdates {
          status
          reportedOn
          note
          percentComplete
          recordedAt
          reportedBy {
            id
            name
          }
        }
      }
    }
    overdueMeasures(first: 100) {
      totalCount
      nodes {
        daysOverdue
        measure {
          id
        }
      }
    }
  }
`);

const ReportMeasureStatusDocument = graphql(`
  mutation ReportMeasureStatus($measureId: ID!, $status: MeasureStatus!, $on: Date!, $note: String) {
    reportMeasureStatus(measureId: $measureId, status: $status, on: $on, note: $note) {
      __typename
      ... on MeasureStatusReported {
        measure {
          id
          status
          statusUpdates {
            status
            reportedOn
            note
            percentComplete
            recordedAt
            reportedBy {
              id
              name
            }
          }
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
      ... on InvalidInput {
        message
        code
        messageNl
        field
      }
      ... on RateLimited {
        message
      }
    }
  }
`);

type Measure = MeasuresBoardQuery['measures']['nodes'][number];
const STATUSES: MeasureStatus[] = ['PLANNED', 'IN_PROGRESS', 'DONE', 'DELAYED', 'CANCELLED'];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function ReportForm({ measure }: { measure: Measure }) {
  const { t, tx } = useI18n();
  const [status, setStatus] = useState<MeasureStatus>(measure.status);
  const [on, setOn] = useState(today());
  const [note, setNote] = useState('');
  const [result, report] = useMutation(ReportMeasureStatusDocument);
  const outcome = result.data?.reportMeasureStatus;
  const refusal = outcome && outcome.__typename !== 'MeasureStatusReported' ? (outcome as Refusal) : null;
  const id = measure.id.replace(/[^A-Za-z0-9]/g, '');
  return (
    <details className="wz-details">
      <summary>{t('reportStatus')}</summary>
      <form
        className="wz-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void report({ measureId: measure.id, status, on, note: note || null });
        }}
      >
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor={`st-${id}`}>
            {t('status')}
          </label>
          <select id={`st-${id}`} className="utrecht-select utrecht-select--html-select" value={status} onChange={(e) => setStatus(e.target.value as MeasureStatus)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {tx(`measureStatus${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor={`on-${id}`}>
            {t('reportedOn')}
          </label>
          <input id={`on-${id}`} type="date" required className="utrecht-textbox utrecht-textbox--html-input" value={on} onChange={(e) => setOn(e.target.value)} />
        </div>
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor={`note-${id}`}>
            {t('note')}
          </label>
          <input id={`note-${id}`} className="utrecht-textbox utrecht-textbox--html-input" value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={result.fetching}>
          {t('save')}
        </button>
      </form>
      <ErrorNotice error={result.error} />
      <RefusalNotice refusal={refusal} />
      {outcome?.__typename === 'MeasureStatusReported' && <p role="status">{t('saved')}</p>}
    </details>
  );
}

export default function MeasuresBoard() {
  const [params, setParams] = useSearchParams();
  const area = params.get('gebied');
  const documentCode = params.get('document');
  const i18n = useI18n();
  const { t, tx } = i18n;
  const session = useSession();
  usePageTitle(t('measuresBoard'));
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }] = useQuery({
    query: MeasuresBoardDocument,
    variables: {
      documentFilter: area ? { jurisdiction: area } : null,
      measureFilter: { jurisdiction: area, documents: documentCode ? [documentCode] : null },
      after,
    },
  });
  const overdue = useMemo(() => new Map((data?.overdueMeasures.nodes ?? []).map((o) => [o.measure.id, o.daysOverdue])), [data]);

  // documents → top-level action line → action line → measures
  const tree = useMemo(() => {
    const docs = new Map<string, { title: string; lines: Map<string, { title: string; measures: Measure[] }> }>();
    for (const m of data?.measures.nodes ?? []) {
      const doc = docs.get(m.document.code) ?? { title: m.document.title, lines: new Map() };
      docs.set(m.document.code, doc);
      const line = m.actionLine;
      const key = line ? (line.parent ? `${line.parent.code} ${line.parent.title} › ${line.code} ${line.title}` : `${line.code} ${line.title}`) : t('withoutActionLine');
      const group = doc.lines.get(key) ?? { title: key, measures: [] };
      group.measures.push(m);
      doc.lines.set(key, group);
    }
    return docs;
  }, [data, t]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setAfter(null);
    setParams(next);
  };
  const mayReport = (m: Measure) => can(session, 'reportMeasureStatus') && (session?.role !== 'partner' || m.owner?.code === session.organisation);

  return (
    <div data-testid="measures-ready">
      <Heading1>{t('measuresBoard')}</Heading1>
      <Paragraph>{t('measuresIntro')}</Paragraph>
      <ErrorNotice error={error} />
      <div className="wz-inline-form">
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor="doc-select">
            {t('document')}
          </label>
          <select id="doc-select" className="utrecht-select utrecht-select--html-select wz-select" value={documentCode ?? ''} onChange={(e) => setParam('document', e.target.value)}>
            <option value="">—</option>
            {data?.policyDocuments.nodes.map((d) => (
              <option key={d.id} value={d.code}>
                {d.title} ({d.jurisdiction.name})
              </option>
            ))}
          </select>
        </div>
        {area && (
          <p>
            {t('area')}: {area}{' '}
            <button type="button" className="utrecht-button utrecht-button--subtle" onClick={() => setParam('gebied', '')}>
              ×
            </button>
          </p>
        )}
      </div>
      {fetching && !data && <Loading />}
      {data && (
        <p className="wz-muted">
          {data.measures.nodes.length} / {data.measures.totalCount} {t('measures').toLowerCase()}
        </p>
      )}
      {[...tree.entries()].map(([code, doc]) => (
        <section key={code} aria-labelledby={`doc-${code}`}>
          <Heading2 id={`doc-${code}`}>{doc.title}</Heading2>
          {[...doc.lines.values()].map((line) => (
            <div key={line.title} className="wz-group">
              <Heading3>{line.title}</Heading3>
              <ul className="wz-measures">
                {line.measures.map((m) => {
                  const days = overdue.get(m.id);
                  return (
                    <li key={m.id} className={days !== undefined ? 'wz-measure wz-measure--overdue' : 'wz-measure'} data-overdue={days !== undefined}>
                      <div className="wz-measure__head">
                        <strong>
                          {m.code} {m.title}
                        </strong>
                        <MeasureStatusBadge status={m.status} />
                        {days !== undefined && <span className="wz-overdue">{t('overdueDays', { days: i18n.number(days) })}</span>}
                      </div>
                      <p className="wz-small">
                        {t('owner')}: {m.owner?.name ?? '–'} · {t('due')}: {i18n.period(m.due)}
                        {m.percentComplete && ` · ${i18n.percent(m.percentComplete)}`}
                      </p>
                      <details className="wz-details">
                        <summary>
                          {t('history')} ({m.statusUpdates.length})
                        </summary>
                        {m.statusUpdates.length === 0 ? (
                          <p>{t('noHistory')}</p>
                        ) : (
                          <ol>
                            {m.statusUpdates.map((u, i) => (
                              <li key={i}>
                                {i18n.date(u.reportedOn)}: {tx(`measureStatus${u.status}`)}
                                {u.reportedBy && ` (${u.reportedBy.name})`}
                                {u.note && ` — ${u.note}`}
                              </li>
                            ))}
                          </ol>
                        )}
                      </details>
                      {mayReport(m) && <ReportForm measure={m} />}
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </section>
      ))}
      <div className="wz-inline-form">
        {after && (
          <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={() => setAfter(null)}>
            {t('firstPage')}
          </button>
        )}
        {data?.measures.pageInfo.hasNextPage && (
          <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={() => setAfter(data.measures.pageInfo.endCursor ?? null)}>
            {t('nextPage')}
          </button>
        )}
      </div>
    </div>
  );
}
