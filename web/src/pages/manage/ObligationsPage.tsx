import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { ReportingFrequency } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice } from '../../components/feedback';
import { CheckboxField, Field, Outcome, SelectInput, TextInput, describedBy, useAction } from '../../components/forms';
import { codes } from '../../components/table';
import { ObligationList } from './reporting';

const ObligationChoicesDocument = graphql(`
  query ObligationChoices {
    organisations(first: 100) {
      nodes {
        id
        code
        name
      }
    }
    indicators(first: 100) {
      nodes {
        id
        code
        nameNl
        nameEn
      }
    }
  }
`);

const SetObligationDocument = graphql(`
  mutation SetReportingObligation(
    $organisation: String!
    $indicator: String!
    $jurisdictions: [String!]!
    $frequency: ReportingFrequency!
    $dueDays: Int!
    $firstPeriod: String!
    $lastPeriod: String
    $contactEmail: String
    $active: Boolean!
    $reason: String
  ) {
    setReportingObligation(
      organisation: $organisation
      indicator: $indicator
      jurisdictions: $jurisdictions
      frequency: $frequency
      dueDays: $dueDays
      firstPeriod: $firstPeriod
      lastPeriod: $lastPeriod
      contactEmail: $contactEmail
      active: $active
      reason: $reason
    ) {
      __typename
      ... on ObligationSet {
        id
        organisation
        indicator
        frequency
        dueDays
        firstPeriod
        lastPeriod
        jurisdictions
        active
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...InvalidInputFields
      ...InvalidStateFields
      ...RateLimitedFields
    }
  }
`);

const FREQUENCIES: ReportingFrequency[] = ['YEARLY', 'HALF_YEARLY', 'QUARTERLY', 'MONTHLY'];

function Obligations() {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [{ data, error }] = useQuery({ query: ObligationChoicesDocument });
  // The chosen organisation is part of the URL (?organisatie=), so its obligations can be linked to.
  const [params, setParams] = useSearchParams();
  const organisation = params.get('organisatie') ?? '';
  const setOrganisation = (code: string) => setParams(code ? { organisatie: code } : {}, { replace: true });
  // Bumped after every change: the list starts again from its (refetched) first page.
  const [changes, setChanges] = useState(0);
  const [indicator, setIndicator] = useState('');
  const [jurisdictions, setJurisdictions] = useState('');
  const [frequency, setFrequency] = useState<ReportingFrequency>('YEARLY');
  const [dueDays, setDueDays] = useState('90');
  const [firstPeriod, setFirstPeriod] = useState(String(new Date().getFullYear()));
  const [lastPeriod, setLastPeriod] = useState('');
  const [contact, setContact] = useState('');
  const [active, setActive] = useState(true);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction(SetObligationDocument, (d) => d.setReportingObligation);
  const set = action.success?.__typename === 'ObligationSet' ? action.success : null;
  return (
    <>
      <ErrorNotice error={error} />
      <form
        className="wz-form"
        aria-label={t('manageObligations')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!organisation || !indicator || !codes(jurisdictions).length || !firstPeriod.trim()) {
            setMissing(true);
            return;
          }
          setMissing(false);
          void action.run({
            organisation,
            indicator,
            jurisdictions: codes(jurisdictions),
            frequency,
            dueDays: Number(dueDays) || 0,
            firstPeriod: firstPeriod.trim(),
            lastPeriod: lastPeriod.trim() || null,
            contactEmail: contact.trim() || null,
            active,
            reason: reason || null,
          }).then((result) => {
            if (result?.__typename === 'ObligationSet') setChanges((n) => n + 1);
          });
        }}
      >
        {missing && (
          <p className="utrecht-form-field-error-message" role="alert">
            {t('obligationRequired')}
          </p>
        )}
        <div className="wz-columns">
          <div>
            <Field id="obl-organisation" label={t('organisation')}>
              <SelectInput id="obl-organisation" value={organisation} onChange={setOrganisation} options={[{ value: '', label: '—' }, ...(data?.organisations.nodes ?? []).map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
            </Field>
            <Field id="obl-indicator" label={t('indicator')}>
              <SelectInput id="obl-indicator" value={indicator} onChange={setIndicator} options={[{ value: '', label: '—' }, ...(data?.indicators.nodes ?? []).map((o) => ({ value: o.code, label: `${i18n.name(o)} (${o.code})` }))]} />
            </Field>
            <Field id="obl-jurisdictions" label={t('jurisdictions')} description={t('codesHelp')}>
              <TextInput id="obl-jurisdictions" value={jurisdictions} onChange={setJurisdictions} describedBy={describedBy('obl-jurisdictions', { description: true })} />
            </Field>
            <Field id="obl-frequency" label={t('frequency')}>
              <SelectInput id="obl-frequency" value={frequency} onChange={(v) => setFrequency(v as ReportingFrequency)} options={FREQUENCIES.map((f) => ({ value: f, label: tx(`frequency${f}`, f) }))} />
            </Field>
          </div>
          <div>
            <Field id="obl-due" label={t('dueDays')} description={t('dueDaysHelp')}>
              <TextInput id="obl-due" type="number" value={dueDays} onChange={setDueDays} describedBy="obl-due-description" className="wz-short" />
            </Field>
            <Field id="obl-first" label={t('firstPeriod')} description={t('periodHelp')}>
              <TextInput id="obl-first" value={firstPeriod} onChange={setFirstPeriod} describedBy="obl-first-description" className="wz-short" />
            </Field>
            <Field id="obl-last" label={t('lastPeriodOptional')}>
              <TextInput id="obl-last" value={lastPeriod} onChange={setLastPeriod} className="wz-short" />
            </Field>
            <Field id="obl-contact" label={t('contactEmail')}>
              <TextInput id="obl-contact" type="email" value={contact} onChange={setContact} />
            </Field>
            <CheckboxField id="obl-active" label={t('obligationActive')} checked={active} onChange={setActive} />
            <Field id="obl-reason" label={t('reason')}>
              <TextInput id="obl-reason" value={reason} onChange={setReason} />
            </Field>
          </div>
        </div>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={action.fetching}>
          {t('obligationSave')}
        </button>
      </form>
      <Outcome action={action} testId="obligation-set">
        {set && (
          <Paragraph>
            {t('obligationSaved', {
              organisation: set.organisation,
              indicator: set.indicator,
              frequency: tx(`frequency${set.frequency}`, set.frequency),
              days: i18n.number(set.dueDays),
              first: i18n.period(set.firstPeriod),
              jurisdictions: set.jurisdictions.join(', '),
            })}{' '}
            {set.active ? '' : t('obligationEnded')}
          </Paragraph>
        )}
      </Outcome>
      {organisation && <ObligationList key={`${organisation}:${changes}`} organisation={organisation} />}
    </>
  );
}

export default function ObligationsPage() {
  const { t } = useI18n();
  usePageTitle(t('manageObligations'));
  return (
    <section data-testid="obligations-ready" aria-labelledby="obligations-heading">
      <Heading2 id="obligations-heading">{t('manageObligations')}</Heading2>
      <Paragraph>{t('obligationsIntro')}</Paragraph>
      <RequireAbility ability="manageObligations">
        <Obligations />
      </RequireAbility>
    </section>
  );
}
