import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { Heading1, Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import type { MunicipalityMeasureFieldsFragment, MunicipalityPageQuery } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { ProgressWatcher, useLiveRefresh, usePageTitle } from '../lib/hooks';
import { ErrorNotice, Loading, NotFoundNotice } from '../components/feedback';
import { TargetTable, cellLabel, primarySnapshot } from '../components/TargetTable';
import { MeasureStatusBadge } from '../components/status';
import { periodEnd, periodStart, toNumber } from '../lib/format';
import type { SeriesPoint } from '../charts/TimeSeriesChart';

const TimeSeriesChart = lazy(() => import('../charts/TimeSeriesChart'));

const MunicipalityPageDocument = graphql(`
  query MunicipalityPage($code: String!) {
    jurisdiction(code: $code) {
      id
      code
      name
      kind
      regions {
        id
        code
        name
      }
      targets(first: 100) {
        nodes {
          ...TargetProgressFields
          progress {
            id
            flags
          }
          startPeriod
          baselinePeriod
          baselineValue
        }
      }
      observations(first: 100) {
        nodes {
          id
          period
          periodStart
          periodEnd
          value
          perYear
          priceSegment
          indicator {
            id
            code
          }
          targetGroup {
            id
            code
          }
          housingType {
            id
            code
          }
          sourceOrganisation {
            id
            code
            name
          }
        }
      }
      measures(first: 100) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...MunicipalityMeasureFields
        }
      }
      projects(first: 100) {
        nodes {
          id
          name
          phase
          expectedCompletion
          totalUnits
        }
      }
    }
  }
`);

// A municipality can have more measures than one page (max 100): the rest on request.
graphql(`
  fragment MunicipalityMeasureFields on Measure {
    id
    code
    title
    status
    due
    owner {
      id
      name
    }
    document {
      id
      code
      title
    }
  }
`);

const MunicipalityMoreMeasuresDocument = graphql(`
  query MunicipalityMoreMeasures($code: String!, $after: String) {
    jurisdiction(code: $code) {
      id
      measures(first: 100, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...MunicipalityMeasureFields
        }
      }
    }
  }
`);

type PlaceRaw = NonNullable<MunicipalityPageQuery['jurisdiction']>;
/** The municipality with its connections' nodes as plain lists. */
type Place = Omit<PlaceRaw, 'targets' | 'observations' | 'measures' | 'projects'> & {
  targets: PlaceRaw['targets']['nodes'];
  observations: PlaceRaw['observations']['nodes'];
  measures: PlaceRaw['measures']['nodes'];
  projects: PlaceRaw['projects']['nodes'];
};

export function flattenPlace(raw: PlaceRaw): Place {
  return { ...raw, targets: raw.targets.nodes, observations: raw.observations.nodes, measures: raw.measures.nodes, projects: raw.projects.nodes };
}
type PlaceTarget = Place['targets'][number];

const PHASES = ['INITIATIVE', 'PLAN', 'PERMIT', 'CONSTRUCTION', 'COMPLETED', 'CANCELLED'] as const;

/** Points of one target's chart: cumulative realisation (one source), expected path, pipeline. */
export function seriesFor(target: PlaceTarget, observations: Place['observations']): { points: SeriesPoint[]; source: string | null } {
  const matching = observations.filter(
    (o) =>
      o.indicator.code === target.indicator.code &&
      (o.targetGroup?.code ?? null) === (target.targetGroup?.code ?? null) &&
      (o.housingType?.code ?? null) === (target.housingType?.code ?? null) &&
      (o.priceSegment ?? null) === (target.priceSegment ?? null),
  );
  // Figures of several sources are not added up: the chart follows the source with most figures.
  const bySource = new Map<string, typeof matching>();
  for (const o of matching) bySource.set(o.sourceOrganisation.name, [...(bySource.get(o.sourceOrganisation.name) ?? []), o]);
  const [source, rows] = [...bySource.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? [null, []];
  const start = target.startPeriod ? periodStart(target.startPeriod) : null;
  const end = target.deadline ? periodEnd(target.deadline) : null;
  const points: SeriesPoint[] = [];
  let total = 0;
  for (const o of [...rows].sort((a, b) => a.periodEnd.localeCompare(b.periodEnd))) {
    const value = toNumber(o.value) ?? 0;
    const at = Date.parse(`${o.periodEnd}T00:00:00Z`);
    if (target.indicator.kind === 'FLOW') {
      if (start && Date.parse(`${o.periodStart}T00:00:00Z`) < start.getTime()) continue;
      total += value;
      points.push({ at, realised: total });
    } else points.push({ at, realised: value });
  }
  const goal = toNumber(target.value ?? target.valueLow);
  if (goal !== null && end) {
    const from = start ?? (target.baselinePeriod ? periodStart(target.baselinePeriod) : null);
    if (from) points.push({ at: from.getTime(), expected: target.indicator.kind === 'FLOW' ? 0 : (toNumber(target.baselineValue) ?? 0) });
    points.push({ at: end.getTime(), expected: goal });
    const pipeline = toNumber(primarySnapshot(target)?.forecastPipeline);
    if (pipeline !== null) points.push({ at: end.getTime(), pipeline });
  }
  points.sort((a, b) => a.at - b.at);
  return { points, source };
}

export default function MunicipalityPage() {
  const { code = '' } = useParams();
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [{ data, fetching, error }, reexecute] = useQuery({ query: MunicipalityPageDocument, variables: { code } });
  const raw = data?.jurisdiction;
  const place = useMemo(() => (raw ? flattenPlace(raw) : undefined), [raw]);
  usePageTitle(place?.name ?? t('municipality'));
  const { lastUpdate, onChange } = useLiveRefresh(() => reexecute({ requestPolicy: 'network-only' }));
  const [allCharts, setAllCharts] = useState(false);
  const client = useClient();
  const [more, setMore] = useState<{ code: string; nodes: MunicipalityMeasureFieldsFragment[]; cursor: string | null; hasNext: boolean } | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const charted = useMemo(() => (place ? place.targets.filter((target) => target.deadline && target.recurrence === 'NONE' && target.indicator.kind !== 'RATIO') : []), [place]);

  const extra = more && more.code === code ? more : null;
  const extraMeasures = extra?.nodes ?? [];
  const measuresTotal = raw?.measures.totalCount ?? 0;
  const measuresHasNext = extra ? extra.hasNext : (raw?.measures.pageInfo.hasNextPage ?? false);
  async function loadMoreMeasures() {
    const after = extra ? extra.cursor : (raw?.measures.pageInfo.endCursor ?? null);
    setMoreBusy(true);
    setMoreError(null);
    const result = await client.query(MunicipalityMoreMeasuresDocument, { code, after }, { requestPolicy: 'network-only' }).toPromise();
    setMoreBusy(false);
    const page = result.data?.jurisdiction?.measures;
    if (result.error || !page) {
      setMoreError(result.error ?? new Error(t('notFound')));
      return;
    }
    setMore({ code, nodes: [...extraMeasures, ...page.nodes], cursor: page.pageInfo.endCursor ?? null, hasNext: page.pageInfo.hasNextPage });
  }

  if (fetching && !data) return <Loading />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!place) return <NotFoundNotice />;
  return (
    <div data-testid="municipality-ready">
      <ProgressWatcher code={place.code} onChange={onChange} />
      <p className="wz-muted wz-small">
        {t('municipality')} · {place.code}
      </p>
      <Heading1>{place.name}</Heading1>
      <p aria-live="polite" className="wz-live">
        {t('live')}
        {lastUpdate && ` · ${t('liveUpdated', { time: lastUpdate.toLocaleTimeString(i18n.locale === 'nl' ? 'nl-NL' : 'en-GB') })}`}
      </p>
      <ErrorNotice error={error} />
      {place.regions.length > 0 && (
        <Paragraph>
          {t('partOfRegions')}:{' '}
          {place.regions.map((r, i) => (
            <span key={r.id}>
              {i > 0 && ', '}
              <Link className="utrecht-link" to={`/regio/${r.code}`}>
                {r.name}
              </Link>
            </span>
          ))}
        </Paragraph>
      )}

      <section aria-labelledby="targets-heading">
        <Heading2 id="targets-heading">{t('targets')}</Heading2>
        <TargetTable targets={place.targets} />
      </section>

      <section aria-labelledby="series-heading">
        <Heading2 id="series-heading">{t('timeSeries')}</Heading2>
        <Paragraph className="wz-muted">{t('timeSeriesNote')}</Paragraph>
        {charted.length === 0 && <Paragraph>{t('noTargets')}</Paragraph>}
        <div className="wz-chart-grid">
          {charted.slice(0, allCharts ? undefined : 6).map((target) => {
            const { points, source } = seriesFor(target, place.observations);
            const label = `${cellLabel(target, i18n)} (${tx(`kind${target.kind}`)} ${i18n.number(target.value ?? target.valueLow)}, ${i18n.period(target.deadline)})`;
            return (
              <figure key={target.id} className="wz-card">
                <Heading3>
                  <Link className="utrecht-link" to={`/doel/${encodeURIComponent(target.id)}`}>
                    {label}
                  </Link>
                </Heading3>
                <Suspense fallback={<Loading />}>
                  <TimeSeriesChart points={points} target={toNumber(target.value ?? target.valueLow)} label={label} />
                </Suspense>
                <figcaption className="wz-small wz-muted">
                  {t('source')}: {source ?? t('none')} ·{' '}
                  {points
                    .filter((p) => p.realised !== undefined)
                    .map((p) => `${i18n.date(new Date(p.at).toISOString())}: ${i18n.number(p.realised)}`)
                    .join('; ') || t('none')}
                </figcaption>
              </figure>
            );
          })}
        </div>
        {!allCharts && charted.length > 6 && (
          <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={() => setAllCharts(true)}>
            {t('showAllCharts', { count: charted.length })}
          </button>
        )}
      </section>

      <section aria-labelledby="measures-heading">
        <Heading2 id="measures-heading">{t('measures')}</Heading2>
        <Paragraph>
          <Link className="utrecht-link" to={`/maatregelen?gebied=${place.code}`}>
            {t('openMeasures')}
          </Link>
        </Paragraph>
        {place.measures.length + extraMeasures.length === 0 ? (
          <Paragraph>{t('none')}</Paragraph>
        ) : (
          <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('measures')}>
            <table className="utrecht-table utrecht-table--html-table wz-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <th scope="col" className="utrecht-table__header-cell">{t('measures')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('document')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('owner')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('due')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('status')}</th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {[...place.measures, ...extraMeasures].map((m) => (
                  <tr key={m.id} className="utrecht-table__row">
                    <th scope="row" className="utrecht-table__header-cell">
                      {m.code} {m.title}
                    </th>
                    <td className="utrecht-table__cell">{m.document.title}</td>
                    <td className="utrecht-table__cell">{m.owner?.name ?? '–'}</td>
                    <td className="utrecht-table__cell">{i18n.period(m.due)}</td>
                    <td className="utrecht-table__cell">
                      <MeasureStatusBadge status={m.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {measuresHasNext && (
          <button type="button" className="utrecht-button utrecht-button--secondary-action" disabled={moreBusy} onClick={() => void loadMoreMeasures()}>
            {t('moreMeasures', { shown: place.measures.length + extraMeasures.length, total: measuresTotal })}
          </button>
        )}
        {moreError && <ErrorNotice error={moreError} />}
      </section>

      <section aria-labelledby="projects-heading">
        <Heading2 id="projects-heading">{t('projectsByPhase')}</Heading2>
        <Paragraph>
          <Link className="utrecht-link" to={`/pijplijn/${place.code}`}>
            {t('openPipeline')}
          </Link>
        </Paragraph>
        {place.projects.length === 0 && <Paragraph>{t('noProjects')}</Paragraph>}
        {PHASES.map((phase) => {
          const projects = place.projects.filter((p) => p.phase === phase);
          if (!projects.length) return null;
          return (
            <div key={phase}>
              <Heading3>
                {tx(`phase${phase}`)} ({projects.length})
              </Heading3>
              <ul className="wz-link-list">
                {projects.map((p) => (
                  <li key={p.id}>
                    {p.name}: {i18n.number(p.totalUnits)} {t('units').toLowerCase()}, {t('expectedCompletion').toLowerCase()} {i18n.date(p.expectedCompletion)}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </section>
    </div>
  );
}
