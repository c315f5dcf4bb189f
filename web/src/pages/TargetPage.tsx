import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Blockquote, Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import { useI18n } from '../lib/i18n';
import { ProgressWatcher, useLiveRefresh, usePageTitle } from '../lib/hooks';
import { ErrorNotice, Loading, NotFoundNotice } from '../components/feedback';
import { TargetTable, cellLabel, targetValue } from '../components/TargetTable';
import { StatusBadge } from '../components/status';
import { JsonView } from '../components/JsonView';

// One round trip: the target, its stored progress, the progress recomputed as known on a day
// (`asOf`, only when a day is chosen; no ids asked, so a recomputed snapshot never replaces the
// stored one in the normalised cache),
// the observations of its jurisdiction as known then, its rule and its citation.
const TargetPageDocument = graphql(`
  query TargetPage($id: ID!, $asOf: DateTime, $hasAsOf: Boolean!) {
    node(id: $id) {
      __typename
      id
      ... on Target {
        ...TargetProgressFields
        progress {
          id
          flags
          details
          computedAt
          dataAsOf
        }
        status
        startPeriod
        baselinePeriod
        baselineValue
        flag
        notes
        derivation
        source {
          document
          lines
          quote
        }
        document {
          id
          code
          title
          publishedOn
          status
        }
        jurisdiction {
          id
          code
          name
          kind
          observations(asOf: $asOf, first: 100) {
            nodes {
              id
              period
              value
              version
              recordedAt
              supersededAt
              changeReason
              flag
              notes
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
              source {
                document
                lines
                quote
              }
            }
          }
        }
        distributionRule {
          id
          code
          name
          method
          percentage
          regionalTotal
          rounding
          notes
          inputPeriodFrom
          inputPeriodTo
          inputPriceSegment
          inputIndicator {
            id
            code
            nameNl
            nameEn
          }
          region {
            id
            code
            name
          }
          source {
            document
            lines
            quote
          }
        }
        asKnown: progress(asOf: $asOf) @include(if: $hasAsOf) {
          basis
          period
          status
          realised
          percentOfTarget
          expectedByNow
          gap
          forecastTrend
          forecastPipeline
          flags
          details
          computedAt
          dataAsOf
        }
      }
    }
  }
`);

export default function TargetPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const asOfDay = params.get('peildatum');
  const [draft, setDraft] = useState(asOfDay ?? '');
  const i18n = useI18n();
  const { t, tx } = i18n;
  const asOf = asOfDay ? `${asOfDay}T23:59:59Z` : null;
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TargetPageDocument, variables: { id, asOf, hasAsOf: asOf !== null } });
  const target = data?.node?.__typename === 'Target' ? data.node : null;
  usePageTitle(target ? `${t('targetPage')}: ${target.code}` : t('targetPage'));
  const { lastUpdate, onChange } = useLiveRefresh(() => reexecute({ requestPolicy: 'network-only' }));

  if (fetching && !data) return <Loading />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!target) return <NotFoundNotice />;
  const observations = target.jurisdiction.observations.nodes.filter(
    (o) =>
      o.indicator.code === target.indicator.code &&
      (o.targetGroup?.code ?? null) === (target.targetGroup?.code ?? null) &&
      (o.housingType?.code ?? null) === (target.housingType?.code ?? null),
  );
  const counted = asOf ? (target.asKnown ?? []) : target.progress;
  const discrepancies = counted.flatMap((p) => p.flags.filter((f) => f.startsWith('source_discrepancy')));
  return (
    <div data-testid="target-ready">
      <ProgressWatcher code={target.jurisdiction.code} onChange={onChange} />
      <p className="wz-muted wz-small">
        {t('targetPage')} · {target.code}
      </p>
      <Heading1>
        {cellLabel(target, i18n)}: {targetValue(target, i18n)} {target.indicator.unit}
      </Heading1>
      <Paragraph>
        {tx(`kind${target.kind}`)} ·{' '}
        <Link className="utrecht-link" to={target.jurisdiction.kind === 'REGION' ? `/regio/${target.jurisdiction.code}` : `/gemeente/${target.jurisdiction.code}`}>
          {target.jurisdiction.name}
        </Link>{' '}
        · {t('deadline')}: {i18n.period(target.deadline)}
        {target.baselineValue && ` · ${t('baseline')}: ${i18n.number(target.baselineValue)} (${i18n.period(target.baselinePeriod)})`}
      </Paragraph>
      <p aria-live="polite" className="wz-live">
        {t('live')}
        {lastUpdate && ` · ${t('liveUpdated', { time: lastUpdate.toLocaleTimeString(i18n.locale === 'nl' ? 'nl-NL' : 'en-GB') })}`}
      </p>
      <ErrorNotice error={error} />
      {target.flag && (
        <Paragraph>
          <strong>{t('flag')}:</strong> {target.flag}
        </Paragraph>
      )}
      {target.notes && (
        <Paragraph>
          <strong>{t('notes')}:</strong> {target.notes}
        </Paragraph>
      )}

      <form
        className="wz-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams(params);
          if (draft) next.set('peildatum', draft);
          else next.delete('peildatum');
          setParams(next);
        }}
      >
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor="as-of">
            {t('asOf')}
          </label>
          <p className="utrecht-form-field-description" id="as-of-help">
            {t('asOfHelp')}
          </p>
          <input id="as-of" type="date" className="utrecht-textbox utrecht-textbox--html-input" aria-describedby="as-of-help" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
        <button type="submit" className="utrecht-button utrecht-button--primary-action">
          {t('asOfApply')}
        </button>
        {asOfDay && (
          <button
            type="button"
            className="utrecht-button utrecht-button--secondary-action"
            onClick={() => {
              setDraft('');
              const next = new URLSearchParams(params);
              next.delete('peildatum');
              setParams(next);
            }}
          >
            {t('asOfClear')}
          </button>
        )}
      </form>

      <section aria-labelledby="progress-heading">
        <Heading2 id="progress-heading">{asOfDay ? t('asOfShowing', { date: i18n.date(asOfDay) }) : t('status')}</Heading2>
        {asOfDay ? (
          <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('status')}>
            <table className="utrecht-table utrecht-table--html-table wz-table" data-testid="as-of-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <th scope="col" className="utrecht-table__header-cell">{t('basis')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('status')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('realised')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('percentOfTarget')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('expectedByNow')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('gap')}</th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {counted.map((p, i) => (
                  <tr key={i} className="utrecht-table__row">
                    <td className="utrecht-table__cell">{tx(`basis${p.basis}`)}</td>
                    <td className="utrecht-table__cell">
                      <StatusBadge status={p.status} />
                    </td>
                    <td className="utrecht-table__cell wz-num">{i18n.number(p.realised)}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.percent(p.percentOfTarget)}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.number(p.expectedByNow)}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.number(p.gap)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <TargetTable targets={[target]} showBasis />
        )}
      </section>

      <section aria-labelledby="counted-heading">
        <Heading2 id="counted-heading">{t('howCounted')}</Heading2>
        {counted.map((p, i) => (
          <details key={i} open={i === 0} className="wz-details">
            <summary>
              {tx(`basis${p.basis}`)}
              {p.period ? ` · ${p.period}` : ''} · <StatusBadge status={p.status} />
            </summary>
            {p.flags.length > 0 && (
              <>
                <p className="utrecht-paragraph">
                  <strong>{t('flags')}</strong>
                </p>
                <ul className="wz-flags">
                  {p.flags.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              </>
            )}
            <JsonView value={p.details} />
          </details>
        ))}
        <h3 className="utrecht-heading-3">{t('discrepancies')}</h3>
        {discrepancies.length ? (
          <ul className="wz-flags">
            {discrepancies.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : (
          <Paragraph>{t('noDiscrepancies')}</Paragraph>
        )}
        <h3 className="utrecht-heading-3">{t('observations')}</h3>
        {observations.length === 0 ? (
          <Paragraph>{t('none')}</Paragraph>
        ) : (
          <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('observations')}>
            <table className="utrecht-table utrecht-table--html-table wz-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <th scope="col" className="utrecht-table__header-cell">{t('period')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('value')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('sourceOrganisation')}</th>
                  <th scope="col" className="utrecht-table__header-cell wz-num">{t('version')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('flag')}</th>
                  <th scope="col" className="utrecht-table__header-cell">{t('citation')}</th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {observations.map((o) => (
                  <tr key={o.id} className="utrecht-table__row">
                    <td className="utrecht-table__cell">{i18n.period(o.period)}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.number(o.value)}</td>
                    <td className="utrecht-table__cell">{o.sourceOrganisation.name}</td>
                    <td className="utrecht-table__cell wz-num">
                      {o.version}
                      {o.changeReason ? ` (${o.changeReason})` : ''}
                    </td>
                    <td className="utrecht-table__cell">{o.flag ?? '–'}</td>
                    <td className="utrecht-table__cell wz-small">{o.source?.quote ? `“${o.source.quote}” (${o.source.lines})` : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {(target.distributionRule || target.derivation != null) && (
        <section aria-labelledby="derivation-heading">
          <Heading2 id="derivation-heading">{t('derivation')}</Heading2>
          {target.distributionRule && (
            <dl className="wz-dl">
              <div>
                <dt>{t('distributionRule')}</dt>
                <dd>
                  {target.distributionRule.name} ({target.distributionRule.method})
                </dd>
              </div>
              <div>
                <dt>{t('inputs')}</dt>
                <dd>
                  {i18n.name(target.distributionRule.inputIndicator)} {target.distributionRule.inputPeriodFrom && `${i18n.period(target.distributionRule.inputPeriodFrom)}–${i18n.period(target.distributionRule.inputPeriodTo)}`}
                </dd>
              </div>
              {target.distributionRule.percentage && (
                <div>
                  <dt>{t('percentage')}</dt>
                  <dd>{i18n.percent(target.distributionRule.percentage)}</dd>
                </div>
              )}
              {target.distributionRule.regionalTotal && (
                <div>
                  <dt>{t('regionalTotal')}</dt>
                  <dd>{i18n.number(target.distributionRule.regionalTotal)}</dd>
                </div>
              )}
              {target.distributionRule.source?.quote && (
                <div>
                  <dt>{t('citation')}</dt>
                  <dd>
                    “{target.distributionRule.source.quote}” ({target.distributionRule.source.lines})
                  </dd>
                </div>
              )}
            </dl>
          )}
          <JsonView value={target.derivation} />
        </section>
      )}

      <section aria-labelledby="citation-heading">
        <Heading2 id="citation-heading">{t('citation')}</Heading2>
        {target.source?.quote ? (
          <figure>
            <Blockquote lang="nl" data-testid="citation-quote">
              {target.source.quote}
            </Blockquote>
            <figcaption>
              {t('document')}: {target.document?.title ?? target.source.document} · {t('lines')}: {target.source.lines}
              {target.document?.publishedOn && ` · ${i18n.date(target.document.publishedOn)}`}
            </figcaption>
          </figure>
        ) : (
          <Paragraph>{t('none')}</Paragraph>
        )}
      </section>
    </div>
  );
}
