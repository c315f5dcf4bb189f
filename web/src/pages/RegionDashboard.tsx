import { lazy, Suspense, useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { RegionDashboardDocument, RegionMembersDocument } from './region-queries';
import { useI18n } from '../lib/i18n';
import { ProgressWatcher, useLiveRefresh, usePageTitle } from '../lib/hooks';
import { ErrorNotice, Loading, NotFoundNotice } from '../components/feedback';
import { TargetTable, cellKey, cellLabel, primarySnapshot } from '../components/TargetTable';
import type { MemberTargetFieldsFragment } from '../gql/graphql';
import { MemberMap, loadBoundaries, type MapValue } from '../components/MemberMap';
import { StatusBadge } from '../components/status';
import { toNumber } from '../lib/format';

const ComparisonChart = lazy(() => import('../charts/ComparisonChart'));

/** How many of the region's targets stand where: the headline of each (its own figures first). */
function StatusSummary({ targets }: { targets: { progress: { basis: string; period?: string | null; status: string }[] }[] }) {
  const { t } = useI18n();
  const counts = new Map<string, number>();
  for (const target of targets) {
    const status = primarySnapshot(target)?.status ?? 'NO_DATA';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return (
    <ul className="wz-summary" aria-label={t('statusSummary')}>
      {['OFF_TRACK', 'AT_RISK', 'ON_TRACK', 'ACHIEVED', 'EXCEEDED', 'WITHIN', 'NO_DATA']
        .filter((s) => counts.has(s))
        .map((s) => (
          <li key={s}>
            <strong>{counts.get(s)}</strong> <StatusBadge status={s} />
          </li>
        ))}
    </ul>
  );
}

export default function RegionDashboard() {
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const i18n = useI18n();
  const { t } = i18n;
  void loadBoundaries().catch(() => undefined);
  // cache-first: the router has just asked for it; live events ask again (network-only).
  const [{ data, fetching, error }, reexecute] = useQuery({ query: RegionDashboardDocument, variables: { code }, requestPolicy: 'cache-first' });
  // Asked once the region's own answer is in: the server answers one request faster alone, and
  // the targets table is what makes the page usable (waterfall depth 2 at most).
  const [membersResult, reexecuteMembers] = useQuery({ query: RegionMembersDocument, variables: { code }, pause: !data });
  const region = data?.jurisdiction;
  const members = membersResult.data?.jurisdiction?.members;
  usePageTitle(region ? `${region.name} – ${t('regionDashboard')}` : t('regionDashboard'));
  const { lastUpdate, onChange } = useLiveRefresh(() => {
    reexecute({ requestPolicy: 'network-only' });
    reexecuteMembers({ requestPolicy: 'network-only' });
  });

  // The cells (indicator × target group × housing type × kind) the members have targets for.
  const cells = useMemo(() => {
    const found = new Map<string, { label: string; members: Set<string> }>();
    for (const member of members ?? [])
      for (const target of member.targets.nodes) {
        const key = cellKey(target);
        const cell = found.get(key) ?? { label: cellLabel(target, i18n) + ` (${i18n.tx(`kind${target.kind}`)})`, members: new Set<string>() };
        cell.members.add(member.code);
        found.set(key, cell);
      }
    // The cells most members have first: the default colours the whole map.
    return [...found.entries()]
      .sort((a, b) => b[1].members.size - a[1].members.size || a[1].label.localeCompare(b[1].label))
      .map(([key, cell]) => [key, `${cell.label} · ${cell.members.size}/${members?.length ?? 0}`] as const);
  }, [members, i18n]);
  const mapCell = params.get('kaart') ?? cells[0]?.[0] ?? '';
  const compareCell = params.get('vergelijk') ?? mapCell;

  const memberTarget = (targets: MemberTargetFieldsFragment[], key: string) => targets.find((target) => cellKey(target) === key);

  const mapValues = useMemo(() => {
    const values = new Map<string, MapValue>();
    for (const member of members ?? []) {
      const target = memberTarget(member.targets.nodes, mapCell);
      const snapshot = target && primarySnapshot(target);
      values.set(member.code, {
        status: snapshot?.status ?? null,
        label: snapshot ? `${i18n.tx(`status${snapshot.status}`)}, ${i18n.percent(snapshot.percentOfTarget)}` : t('mapNoTarget'),
      });
    }
    return values;
  }, [members, mapCell, i18n, t]);

  const comparison = useMemo(
    () =>
      (members ?? []).map((member) => {
        const target = memberTarget(member.targets.nodes, compareCell);
        const snapshot = target && primarySnapshot(target);
        return { member, target, snapshot };
      }),
    [members, compareCell],
  );

  const select = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
  };

  if (fetching && !data) return <Loading />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!region) return <NotFoundNotice />;
  const compareLabel = cells.find(([k]) => k === compareCell)?.[1] ?? '';
  return (
    <div data-testid="dashboard-ready">
      {[region.code, ...(members ?? []).map((m) => m.code)].map((c) => (
        <ProgressWatcher key={c} code={c} onChange={onChange} />
      ))}
      <p className="wz-muted wz-small">{t('regionDashboard')}</p>
      <Heading1>{region.name}</Heading1>
      <p aria-live="polite" className="wz-live" data-testid="live-status">
        {t('live')}
        {lastUpdate && ` · ${t('liveUpdated', { time: lastUpdate.toLocaleTimeString(i18n.locale === 'nl' ? 'nl-NL' : 'en-GB') })}`}
      </p>
      <ErrorNotice error={error} />
      <StatusSummary targets={region.targets.nodes} />
      <Paragraph>
        {t('membersLabel')}:{' '}
        {(members ?? []).map((m, i) => (
          <span key={m.id}>
            {i > 0 && ', '}
            <Link className="utrecht-link" to={`/gemeente/${m.code}`}>
              {m.name}
            </Link>
          </span>
        ))}
        {' · '}
        <Link className="utrecht-link" to={`/maatregelen?gebied=${region.code}`}>
          {t('openMeasures')}
        </Link>
        {' · '}
        <Link className="utrecht-link" to={`/pijplijn/${region.code}`}>
          {t('openPipeline')}
        </Link>
      </Paragraph>

      <ErrorNotice error={membersResult.error} />
      {!members && membersResult.fetching && <Loading />}
      <div className="wz-columns">
        <section aria-labelledby="member-map">
          <Heading2 id="member-map">{t('memberMap')}</Heading2>
          <label className="utrecht-form-label" htmlFor="map-cell">
            {t('mapChoose')}
          </label>
          <select id="map-cell" className="utrecht-select utrecht-select--html-select wz-select" value={mapCell} onChange={(e) => select('kaart', e.target.value)}>
            {cells.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
          <MemberMap values={mapValues} title={`${t('memberMap')}: ${cells.find(([k]) => k === mapCell)?.[1] ?? ''}`} />
        </section>

        <section aria-labelledby="member-comparison">
          <Heading2 id="member-comparison">{t('comparison')}</Heading2>
          <label className="utrecht-form-label" htmlFor="compare-cell">
            {t('comparisonChoose')}
          </label>
          <select id="compare-cell" className="utrecht-select utrecht-select--html-select wz-select" value={compareCell} onChange={(e) => select('vergelijk', e.target.value)}>
            {cells.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
          <Suspense fallback={<Loading />}>
            <ComparisonChart
              label={`${t('comparison')}: ${compareLabel}`}
              rows={comparison.map(({ member, snapshot }) => ({ name: member.name, percent: toNumber(snapshot?.percentOfTarget), status: snapshot?.status ?? null }))}
            />
          </Suspense>
          <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('comparison')}>
            <table className="utrecht-table utrecht-table--html-table wz-table" data-testid="comparison-table">
              <caption className="utrecht-table__caption">{compareLabel}</caption>
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <th scope="col" className="utrecht-table__header-cell">{t('member')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('value')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('realised')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('percentOfTarget')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('status')}</th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {comparison.map(({ member, target, snapshot }) => (
                  <tr key={member.id} className="utrecht-table__row">
                    <th scope="row" className="utrecht-table__header-cell">
                      {target ? (
                        <Link className="utrecht-link" to={`/doel/${encodeURIComponent(target.id)}`}>
                          {member.name}
                        </Link>
                      ) : (
                        member.name
                      )}
                    </th>
                    <td className="utrecht-table__cell wz-num">{target ? i18n.number(target.value ?? target.valueLow) : '–'}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.number(snapshot?.realised)}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.percent(snapshot?.percentOfTarget)}</td>
                    <td className="utrecht-table__cell">{target ? <StatusBadge status={snapshot?.status ?? 'NO_DATA'} /> : t('mapNoTarget')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      <section aria-labelledby="region-targets">
        <Heading2 id="region-targets">{t('regionTargets')}</Heading2>
        <TargetTable targets={region.targets.nodes} showBasis showFlags={false} caption={t('flagsOnTargetPage')} />
      </section>

    </div>
  );
}
