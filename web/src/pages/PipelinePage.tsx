import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { ErrorNotice, Loading, NotFoundNotice } from '../components/feedback';
import { cellLabel } from '../components/TargetTable';
import { toNumber } from '../lib/format';

const PhaseChart = lazy(() => import('../charts/PipelineCharts').then((m) => ({ default: m.PhaseChart })));
const CompletionsChart = lazy(() => import('../charts/PipelineCharts').then((m) => ({ default: m.CompletionsChart })));

const PipelineDocument = graphql(`
  query Pipeline($code: String!, $untilYear: Int!) {
    pipelineSummary(jurisdictionCode: $code, untilYear: $untilYear) {
      jurisdiction {
        id
        code
        name
        kind
      }
      untilYear
      byPhase {
        phase
        projects
        units
        probability
        weightedUnits
      }
      byPhaseAndHousingType {
        phase
        units
        housingType {
          id
          code
          nameNl
          nameEn
        }
      }
      completionsByYear {
        year
        units
        weightedUnits
      }
      unitsUndated
      unitsAfterHorizon
      realisedUnits
      weightedForecast
    }
    projects(filter: { jurisdiction: $code }, first: 100) {
      totalCount
      nodes {
        id
        name
        phase
        expectedCompletion
        totalUnits
        municipality {
          id
          code
          name
        }
        owner {
          id
          name
        }
        units {
          units
          housingType {
            id
            code
            nameNl
            nameEn
          }
          targetGroup {
            id
            code
            nameNl
            nameEn
          }
        }
      }
    }
    progress(filter: { target: { jurisdiction: $code, includeMembers: false } }, first: 100) {
      nodes {
        id
        basis
        period
        status
        realised
        forecastPipeline
        target {
          id
          code
          kind
          value
          deadline
          priceSegment
          indicator {
            id
            code
            nameNl
            nameEn
          }
          targetGroup {
            id
            code
            nameNl
            nameEn
          }
          housingType {
            id
            code
            nameNl
            nameEn
          }
        }
      }
    }
  }
`);

const PickerDocument = graphql(`
  query PipelinePicker {
    jurisdictions(first: 100, filter: { kinds: [MUNICIPALITY, REGION] }) {
      nodes {
        id
        code
        name
        kind
        validTo
      }
    }
  }
`);

function Picker({ current }: { current?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [{ data, error }] = useQuery({ query: PickerDocument });
  const [value, setValue] = useState(current ?? '');
  return (
    <form
      className="wz-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value) navigate(`/pijplijn/${value}`);
      }}
    >
      <ErrorNotice error={error} />
      <div className="utrecht-form-field">
        <label className="utrecht-form-label" htmlFor="area-picker">
          {t('chooseArea')}
        </label>
        <select id="area-picker" className="utrecht-select utrecht-select--html-select wz-select" value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="">—</option>
          {data?.jurisdictions.nodes
            .filter((j) => !j.validTo)
            .map((j) => (
              <option key={j.id} value={j.code}>
                {j.name} ({j.code})
              </option>
            ))}
        </select>
      </div>
      <button type="submit" className="utrecht-button utrecht-button--primary-action">
        {t('show')}
      </button>
    </form>
  );
}

export default function PipelinePage() {
  const { code } = useParams();
  const i18n = useI18n();
  const { t, tx } = i18n;
  const untilYear = 2030;
  const [{ data, fetching, error }] = useQuery({ query: PipelineDocument, variables: { code: code ?? '', untilYear }, pause: !code });
  const summary = data?.pipelineSummary;
  usePageTitle(summary ? `${t('pipeline')}: ${summary.jurisdiction.name}` : t('pipeline'));

  const phaseRows = useMemo(() => {
    if (!summary) return { rows: [], series: [] as string[] };
    const series = new Set<string>();
    const rows = summary.byPhase.map((p) => {
      const row: Record<string, string | number> = { phase: tx(`phase${p.phase}`) };
      for (const cell of summary.byPhaseAndHousingType.filter((c) => c.phase === p.phase)) {
        const name = cell.housingType ? i18n.name(cell.housingType) : t('unspecified');
        series.add(name);
        row[name] = (Number(row[name]) || 0) + cell.units;
      }
      return row;
    });
    return { rows, series: [...series] };
  }, [summary, i18n, t, tx]);

  const byTargetGroup = useMemo(() => {
    const totals = new Map<string, number>();
    for (const project of data?.projects.nodes ?? []) {
      if (project.phase === 'COMPLETED' || project.phase === 'CANCELLED') continue;
      for (const u of project.units) {
        const name = u.targetGroup ? i18n.name(u.targetGroup) : t('unspecified');
        totals.set(name, (totals.get(name) ?? 0) + u.units);
      }
    }
    return [...totals.entries()].sort((a, b) => b[1] - a[1]);
  }, [data, i18n, t]);

  const adds = (data?.progress.nodes ?? []).filter((p) => p.period == null && p.basis === 'OWN' && toNumber(p.forecastPipeline) !== null);

  return (
    <div data-testid="pipeline-ready">
      <Heading1>
        {t('pipeline')}
        {summary && `: ${summary.jurisdiction.name}`}
      </Heading1>
      <Paragraph>{t('pipelineIntro')}</Paragraph>
      <Picker current={code} />
      {fetching && !data && <Loading />}
      <ErrorNotice error={error} />
      {code && data && !summary && <NotFoundNotice />}
      {summary && (
        <>
          <dl className="wz-figures">
            <div>
              <dt>{t('weightedForecast', { year: summary.untilYear })}</dt>
              <dd>{i18n.number(summary.weightedForecast)}</dd>
            </div>
            <div>
              <dt>{t('realisedUnits')}</dt>
              <dd>{i18n.number(summary.realisedUnits)}</dd>
            </div>
            <div>
              <dt>{t('unitsUndated')}</dt>
              <dd>{i18n.number(summary.unitsUndated)}</dd>
            </div>
            <div>
              <dt>{t('unitsAfterHorizon', { year: summary.untilYear })}</dt>
              <dd>{i18n.number(summary.unitsAfterHorizon)}</dd>
            </div>
          </dl>
          <div className="wz-columns">
            <section aria-labelledby="by-phase">
              <Heading2 id="by-phase">{t('byPhase')}</Heading2>
              <Suspense fallback={<Loading />}>
                <PhaseChart rows={phaseRows.rows} series={phaseRows.series} label={t('unitsByHousingType')} />
              </Suspense>
              <table className="utrecht-table utrecht-table--html-table wz-table">
                <thead className="utrecht-table__header">
                  <tr className="utrecht-table__row">
                    <th scope="col" className="utrecht-table__header-cell">{t('phase')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('projectsN')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('units')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('probability')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('weightedUnits')}</th>
                  </tr>
                </thead>
                <tbody className="utrecht-table__body">
                  {summary.byPhase.map((p) => (
                    <tr key={p.phase} className="utrecht-table__row">
                      <th scope="row" className="utrecht-table__header-cell">{tx(`phase${p.phase}`)}</th>
                      <td className="utrecht-table__cell wz-num">{i18n.number(p.projects)}</td>
                      <td className="utrecht-table__cell wz-num">{i18n.number(p.units)}</td>
                      <td className="utrecht-table__cell wz-num">{i18n.percent((toNumber(p.probability) ?? 0) * 100)}</td>
                      <td className="utrecht-table__cell wz-num">{i18n.number(p.weightedUnits)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-labelledby="completions">
              <Heading2 id="completions">{t('completionsByYear')}</Heading2>
              <Suspense fallback={<Loading />}>
                <CompletionsChart
                  rows={summary.completionsByYear.map((c) => ({ year: c.year, units: c.units, weighted: toNumber(c.weightedUnits) ?? 0 }))}
                  label={t('completionsByYear')}
                />
              </Suspense>
              <table className="utrecht-table utrecht-table--html-table wz-table">
                <thead className="utrecht-table__header">
                  <tr className="utrecht-table__row">
                    <th scope="col" className="utrecht-table__header-cell">{t('year')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('units')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('weightedUnits')}</th>
                  </tr>
                </thead>
                <tbody className="utrecht-table__body">
                  {summary.completionsByYear.map((c) => (
                    <tr key={c.year} className="utrecht-table__row">
                      <th scope="row" className="utrecht-table__header-cell">{c.year}</th>
                      <td className="utrecht-table__cell wz-num">{i18n.number(c.units)}</td>
                      <td className="utrecht-table__cell wz-num">{i18n.number(c.weightedUnits)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Heading2>{t('unitsByTargetGroup')}</Heading2>
              {byTargetGroup.length === 0 ? (
                <Paragraph>{t('none')}</Paragraph>
              ) : (
                <table className="utrecht-table utrecht-table--html-table wz-table">
                  <thead className="utrecht-table__header">
                    <tr className="utrecht-table__row">
                      <th scope="col" className="utrecht-table__header-cell">{t('targetGroup')}</th>
                      <th scope="col" className="utrecht-table__header-cell wz-num">{t('units')}</th>
                    </tr>
                  </thead>
                  <tbody className="utrecht-table__body">
                    {byTargetGroup.map(([name, units]) => (
                      <tr key={name} className="utrecht-table__row">
                        <th scope="row" className="utrecht-table__header-cell">{name}</th>
                        <td className="utrecht-table__cell wz-num">{i18n.number(units)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          <section aria-labelledby="adds">
            <Heading2 id="adds">{t('pipelineAdds')}</Heading2>
            {adds.length === 0 ? (
              <Paragraph>{t('none')}</Paragraph>
            ) : (
              <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('pipelineAdds')}>
                <table className="utrecht-table utrecht-table--html-table wz-table">
                  <thead className="utrecht-table__header">
                    <tr className="utrecht-table__row">
                      <th scope="col" className="utrecht-table__header-cell">{t('target')}</th>
                      <th scope="col" className="utrecht-table__header-cell wz-num">{t('value')}</th>
                      <th scope="col" className="utrecht-table__header-cell wz-num">{t('realised')}</th>
                      <th scope="col" className="utrecht-table__header-cell wz-num">{t('forecastPipeline')}</th>
                      <th scope="col" className="utrecht-table__header-cell wz-num">+</th>
                    </tr>
                  </thead>
                  <tbody className="utrecht-table__body">
                    {adds.map((p) => (
                      <tr key={p.id} className="utrecht-table__row">
                        <th scope="row" className="utrecht-table__header-cell">
                          <Link className="utrecht-link" to={`/doel/${encodeURIComponent(p.target.id)}`}>
                            {cellLabel(p.target, i18n)}
                          </Link>
                        </th>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p.target.value)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p.realised)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p.forecastPipeline)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number((toNumber(p.forecastPipeline) ?? 0) - (toNumber(p.realised) ?? 0))}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="project-list">
            <Heading2 id="project-list">
              {t('projects')} ({data?.projects.totalCount})
            </Heading2>
            <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('projects')}>
              <table className="utrecht-table utrecht-table--html-table wz-table">
                <thead className="utrecht-table__header">
                  <tr className="utrecht-table__row">
                    <th scope="col" className="utrecht-table__header-cell">{t('projects')}</th>
                    <th scope="col" className="utrecht-table__header-cell">{t('municipality')}</th>
                    <th scope="col" className="utrecht-table__header-cell">{t('phase')}</th>
                    <th scope="col" className="utrecht-table__header-cell">{t('expectedCompletion')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('units')}</th>
                    <th scope="col" className="utrecht-table__header-cell">{t('housingType')}</th>
                  </tr>
                </thead>
                <tbody className="utrecht-table__body">
                  {data?.projects.nodes.map((p) => (
                    <tr key={p.id} className="utrecht-table__row">
                      <th scope="row" className="utrecht-table__header-cell">{p.name}</th>
                      <td className="utrecht-table__cell">{p.municipality.name}</td>
                      <td className="utrecht-table__cell">{tx(`phase${p.phase}`)}</td>
                      <td className="utrecht-table__cell">{i18n.date(p.expectedCompletion)}</td>
                      <td className="utrecht-table__cell wz-num">{i18n.number(p.totalUnits)}</td>
                      <td className="utrecht-table__cell wz-small">
                        {p.units.map((u) => `${i18n.number(u.units)} ${u.housingType ? i18n.name(u.housingType) : t('unspecified')}`).join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
