import { useState } from 'react';
import { useClient, useQuery, type CombinedError } from 'urql';
import { Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { ReportingCalendarQuery } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { can, useSession } from '../../lib/auth';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice, Loading } from '../../components/feedback';
import { Field, SelectInput } from '../../components/forms';
import { Table, Td, Th } from '../../components/table';

// The reporting calendar: what is owed and overdue (missingReports: administrators every
// organisation's, a task force those of its area, a partner its own), by the month it was due.
const ReportingCalendarDocument = graphql(`
  query ReportingCalendar($organisation: String, $withOrganisations: Boolean!, $after: String) {
    missingReports(filter: { organisation: $organisation }, first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        period
        dueOn
        daysOverdue
        organisation {
          id
          code
          name
        }
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
      }
    }
    organisations(first: 100) @include(if: $withOrganisations) {
      nodes {
        id
        code
        name
      }
    }
  }
`);

type Missing = ReportingCalendarQuery['missingReports']['nodes'][number];

/** Missing reports by the month they were due, the oldest month first. */
export function byDueMonth(reports: Missing[]): [string, Missing[]][] {
  const months = new Map<string, Missing[]>();
  for (const r of [...reports].sort((a, b) => a.dueOn.localeCompare(b.dueOn))) {
    const month = r.dueOn.slice(0, 7);
    months.set(month, [...(months.get(month) ?? []), r]);
  }
  return [...months.entries()];
}

function Calendar() {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const any = can(session, 'manageOrganisations');
  const [organisation, setOrganisation] = useState('');
  const variables = { organisation: organisation || null, withOrganisations: any };
  const [{ data, fetching, error }] = useQuery({ query: ReportingCalendarDocument, variables });
  // More than one page (100): the next pages on request, so the first load stays one round trip.
  const client = useClient();
  const [more, setMore] = useState<{ organisation: string; nodes: Missing[]; cursor: string | null; hasNext: boolean } | null>(null);
  const [moreError, setMoreError] = useState<CombinedError | null>(null);
  const extra = more?.organisation === organisation ? more : null;
  const reports = [...(data?.missingReports.nodes ?? []), ...(extra?.nodes ?? [])];
  const total = data?.missingReports.totalCount ?? 0;
  const hasNext = extra ? extra.hasNext : !!data?.missingReports.pageInfo.hasNextPage;
  const loadMore = async () => {
    const after = extra ? extra.cursor : (data?.missingReports.pageInfo.endCursor ?? null);
    const page = await client.query(ReportingCalendarDocument, { ...variables, withOrganisations: false, after }, { requestPolicy: 'network-only' }).toPromise();
    setMoreError(page.error ?? null);
    if (page.data) setMore({ organisation, nodes: [...(extra?.nodes ?? []), ...page.data.missingReports.nodes], cursor: page.data.missingReports.pageInfo.endCursor ?? null, hasNext: page.data.missingReports.pageInfo.hasNextPage });
  };
  const organisations = new Set(reports.map((r) => r.organisation.code));
  return (
    <>
      {any && (
        <Field id="calendar-organisation" label={t('organisation')}>
          <SelectInput id="calendar-organisation" value={organisation} onChange={setOrganisation} options={[{ value: '', label: t('allOrganisations') }, ...(data?.organisations?.nodes ?? []).map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      )}
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && (
        <Paragraph data-testid="calendar-summary">
          {t('calendarSummary', { count: i18n.number(total), organisations: i18n.number(organisations.size) })}
        </Paragraph>
      )}
      {hasNext && (
        <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={() => void loadMore()}>
          {t('moreReports', { shown: i18n.number(reports.length), total: i18n.number(total) })}
        </button>
      )}
      <ErrorNotice error={moreError} />
      {data && reports.length === 0 && <Paragraph>{t('missingReportsNone')}</Paragraph>}
      {byDueMonth(reports).map(([month, rows]) => (
        <section key={month} aria-labelledby={`due-${month}`}>
          <h3 id={`due-${month}`} className="utrecht-heading-3">
            {t('dueIn', { month: i18n.month(month) })} ({i18n.number(rows.length)})
          </h3>
          <Table
            label={t('dueIn', { month: i18n.month(month) })}
            testId="missing-reports"
            head={
              <>
                <Th>{t('organisation')}</Th>
                <Th>{t('indicator')}</Th>
                <Th>{t('municipality')}</Th>
                <Th>{t('period')}</Th>
                <Th>{t('dueOn')}</Th>
                <Th num>{t('daysOverdue')}</Th>
              </>
            }
          >
            {rows.map((m) => (
              <tr key={`${m.organisation.code}|${m.indicator.code}|${m.jurisdiction.code}|${m.period}`} className="utrecht-table__row">
                <Td>{m.organisation.name}</Td>
                <Td>{i18n.name(m.indicator)}</Td>
                <Td>{m.jurisdiction.name}</Td>
                <Td>{i18n.period(m.period)}</Td>
                <Td>{i18n.date(m.dueOn)}</Td>
                <Td num>{i18n.number(m.daysOverdue)}</Td>
              </tr>
            ))}
          </Table>
        </section>
      ))}
    </>
  );
}

export default function CalendarPage() {
  const { t } = useI18n();
  usePageTitle(t('manageCalendar'));
  return (
    <section data-testid="calendar-ready" aria-labelledby="calendar-heading">
      <Heading2 id="calendar-heading">{t('manageCalendar')}</Heading2>
      <Paragraph>{t('calendarIntro')}</Paragraph>
      <RequireAbility ability="readMissingReports">
        <Calendar />
      </RequireAbility>
    </section>
  );
}
