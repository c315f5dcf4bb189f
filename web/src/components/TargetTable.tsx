import { Link } from 'react-router';
import { graphql } from '../gql';
import type { TargetProgressFieldsFragment } from '../gql/graphql';
import { useI18n, type I18n } from '../lib/i18n';
import { StatusBadge } from './status';

export const TargetProgressFields = graphql(`
  fragment TargetProgressFields on Target {
    id
    code
    kind
    value
    valueLow
    valueHigh
    isRange
    deadline
    recurrence
    priceSegment
    indicator {
      id
      code
      nameNl
      nameEn
      unit
      kind
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
    progress {
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
    }
  }
`);

// What a map or a comparison needs of a member's target: no caveats, no forecasts.
export const MemberTargetFields = graphql(`
  fragment MemberTargetFields on Target {
    id
    code
    kind
    value
    valueLow
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
    progress {
      id
      basis
      period
      status
      realised
      percentOfTarget
    }
  }
`);

export type TargetRow = TargetProgressFieldsFragment;
export type Snapshot = TargetRow['progress'][number];

/** The headline snapshots: the whole window (period null), else the latest judged year. */
type WithProgress<S> = { progress: S[] };
type SnapshotLike = { basis: string; period?: string | null };

export function headlineSnapshots<S extends SnapshotLike>(target: WithProgress<S>): S[] {
  const window = target.progress.filter((p) => p.period === null || p.period === undefined);
  if (window.length) return [...window].sort((a, b) => (a.basis === 'OWN' ? -1 : b.basis === 'OWN' ? 1 : 0));
  const sorted = [...target.progress].sort((a, b) => String(b.period).localeCompare(String(a.period)));
  return sorted.slice(0, 1);
}

/** The snapshot that colours a member: its own figures' headline. */
export function primarySnapshot<S extends SnapshotLike>(target: WithProgress<S>): S | undefined {
  return headlineSnapshots(target)[0];
}

export function targetValue(target: Pick<TargetRow, 'value' | 'valueLow' | 'valueHigh' | 'isRange'>, i18n: I18n): string {
  if (target.isRange || (target.value === null && target.valueLow !== null)) return `${i18n.number(target.valueLow)}–${i18n.number(target.valueHigh)}`;
  return i18n.number(target.value);
}

/** "Indicator — doelgroep — woonvorm — prijssegment": what the target counts. */
type Named = { nameNl: string; nameEn: string };
export function cellLabel(target: { indicator: Named; targetGroup?: Named | null; housingType?: Named | null; priceSegment?: string | null }, i18n: I18n): string {
  return [i18n.name(target.indicator), target.targetGroup && i18n.name(target.targetGroup), target.housingType && i18n.name(target.housingType), target.priceSegment]
    .filter(Boolean)
    .join(' — ');
}

export function cellKey(target: { indicator: { code: string }; targetGroup?: { code: string } | null; housingType?: { code: string } | null; priceSegment?: string | null; kind: string }): string {
  return [target.indicator.code, target.targetGroup?.code ?? '', target.housingType?.code ?? '', target.priceSegment ?? '', target.kind].join('|');
}

/** Caveats, where the page asked for them (the dashboard does not: they are long). */
const flagsOf = (p: unknown): string[] => ((p as { flags?: string[] } | null)?.flags ?? []);

/** Targets grouped by indicator, each group a table of every headline snapshot. */
export function TargetTable({ targets, showBasis = false, showFlags = true, caption }: { targets: TargetRow[]; showBasis?: boolean; showFlags?: boolean; caption?: string }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const groups = new Map<string, TargetRow[]>();
  for (const target of [...targets].sort((a, b) => a.code.localeCompare(b.code))) {
    const key = target.indicator.code;
    groups.set(key, [...(groups.get(key) ?? []), target]);
  }
  if (!targets.length) return <p>{t('noTargets')}</p>;
  return (
    <div className="wz-target-groups">
      {caption && <p className="wz-muted">{caption}</p>}
      {[...groups.values()].map((group) => {
        const indicator = group[0]!.indicator;
        return (
          <section key={indicator.code} className="wz-group" aria-labelledby={`ind-${indicator.code}`}>
            <h3 id={`ind-${indicator.code}`} className="utrecht-heading-3">
              {i18n.name(indicator)} <span className="wz-muted">({indicator.unit})</span>
            </h3>
            <div className="wz-scroll" tabIndex={0} role="region" aria-label={i18n.name(indicator)}>
              <table className="utrecht-table utrecht-table--html-table wz-table">
                <thead className="utrecht-table__header">
                  <tr className="utrecht-table__row">
                    <th scope="col" className="utrecht-table__header-cell">{t('target')}</th>
                    <th scope="col" className="utrecht-table__header-cell">{t('value')}</th>
                    <th scope="col" className="utrecht-table__header-cell">{t('deadline')}</th>
                    {showBasis && <th scope="col" className="utrecht-table__header-cell">{t('basis')}</th>}
                    <th scope="col" className="utrecht-table__header-cell">{t('status')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('realised')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('percentOfTarget')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('expectedByNow')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('gap')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('forecastTrend')}</th>
                    <th scope="col" className="utrecht-table__header-cell wz-num">{t('forecastPipeline')}</th>
                    {showFlags && <th scope="col" className="utrecht-table__header-cell">{t('flags')}</th>}
                  </tr>
                </thead>
                <tbody className="utrecht-table__body">
                  {group.flatMap((target) => {
                    const snapshots = headlineSnapshots(target);
                    const rows = snapshots.length ? snapshots : [null];
                    return rows.map((p, index) => (
                      <tr key={`${target.id}-${p?.id ?? 'none'}`} className="utrecht-table__row" data-target={target.code}>
                        {index === 0 ? (
                          <th scope="row" rowSpan={rows.length} className="utrecht-table__header-cell wz-target-cell">
                            <Link to={`/doel/${encodeURIComponent(target.id)}`} className="utrecht-link">
                              {[target.targetGroup && i18n.name(target.targetGroup), target.housingType && i18n.name(target.housingType), target.priceSegment]
                                .filter(Boolean)
                                .join(' · ') || i18n.name(target.indicator)}
                            </Link>
                            <span className="wz-muted wz-small"> {tx(`kind${target.kind}`, target.kind)}</span>
                          </th>
                        ) : null}
                        {index === 0 ? (
                          <>
                            <td rowSpan={rows.length} className="utrecht-table__cell wz-num">{targetValue(target, i18n)}</td>
                            <td rowSpan={rows.length} className="utrecht-table__cell">
                              {target.recurrence === 'YEARLY' ? t('yearly') : i18n.period(target.deadline)}
                            </td>
                          </>
                        ) : null}
                        {showBasis && <td className="utrecht-table__cell wz-nowrap">{p ? tx(`basis${p.basis}`) : '–'}</td>}
                        <td className="utrecht-table__cell">
                          <StatusBadge status={p?.status ?? 'NO_DATA'} />
                        </td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p?.realised)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.percent(p?.percentOfTarget)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p?.expectedByNow)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p?.gap)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p?.forecastTrend)}</td>
                        <td className="utrecht-table__cell wz-num">{i18n.number(p?.forecastPipeline)}</td>
                        {showFlags && <td className="utrecht-table__cell">
                          {flagsOf(p).length ? (
                            <details>
                              <summary>{flagsOf(p).length}</summary>
                              <ul className="wz-flags">
                                {flagsOf(p).map((flag) => (
                                  <li key={flag}>{flag}</li>
                                ))}
                              </ul>
                            </details>
                          ) : (
                            '–'
                          )}
                        </td>}
                      </tr>
                    ));
                  })}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}
