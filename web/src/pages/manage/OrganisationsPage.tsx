import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { OrganisationKind } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice, Loading } from '../../components/feedback';
import { CheckboxField, Field, Outcome, SelectInput, TextInput, useAction } from '../../components/forms';
import { Table, Td, Th } from '../../components/table';

const OrganisationsDocument = graphql(`
  query ManageOrganisations {
    organisations(first: 100) {
      totalCount
      nodes {
        id
        code
        name
        kind
        trustedSource
        notes
        jurisdiction {
          id
          code
          name
        }
        # counts only (first: 0); the scope and obligation pages list them
        reportingScope(first: 0) {
          totalCount
        }
        reportingObligations(first: 0) {
          totalCount
        }
      }
    }
  }
`);

const OrganisationChangedFields = graphql(`
  fragment OrganisationResultFields on OrganisationResult {
    __typename
    ... on OrganisationChanged {
      organisation {
        id
        code
        name
        kind
        trustedSource
        notes
        jurisdiction {
          id
          code
          name
        }
      }
    }
    ...NotAllowedFields
    ...NotFoundFields
    ...InvalidInputFields
    ...InvalidStateFields
    ...RateLimitedFields
  }
`);
void OrganisationChangedFields;

const CreateOrganisationDocument = graphql(`
  mutation CreateOrganisation($code: String!, $name: String!, $kind: OrganisationKind!, $jurisdiction: String, $trustedSource: Boolean!, $notes: String, $reason: String) {
    createOrganisation(code: $code, name: $name, kind: $kind, jurisdiction: $jurisdiction, trustedSource: $trustedSource, notes: $notes, reason: $reason) {
      ...OrganisationResultFields
    }
  }
`);

const UpdateOrganisationDocument = graphql(`
  mutation UpdateOrganisation($code: String!, $name: String, $kind: OrganisationKind, $jurisdiction: String, $trustedSource: Boolean, $active: Boolean, $reason: String) {
    updateOrganisation(code: $code, name: $name, kind: $kind, jurisdiction: $jurisdiction, trustedSource: $trustedSource, active: $active, reason: $reason) {
      ...OrganisationResultFields
    }
  }
`);

export const ORGANISATION_KINDS: OrganisationKind[] = ['MUNICIPALITY', 'CORPORATION', 'CARE_PROVIDER', 'WELFARE_PROVIDER', 'INSURER', 'ZORGKANTOOR', 'REGIONAL_BODY', 'PROVINCE', 'STATE', 'TENANT_BODY', 'PUBLICATION', 'OTHER'];

function CreateForm() {
  const { t, tx } = useI18n();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OrganisationKind>('CORPORATION');
  const [jurisdiction, setJurisdiction] = useState('');
  const [trusted, setTrusted] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction(CreateOrganisationDocument, (d) => d.createOrganisation);
  const made = action.success?.__typename === 'OrganisationChanged' ? action.success.organisation : null;
  return (
    <form
      className="wz-form"
      aria-labelledby="org-create-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run({ code: code.trim(), name: name.trim(), kind, jurisdiction: jurisdiction.trim() || null, trustedSource: trusted, notes: null, reason: reason || null });
      }}
    >
      <Heading3 id="org-create-heading">{t('organisationCreate')}</Heading3>
      <Field id="org-code" label={t('code')} description={t('organisationCodeHelp')}>
        <TextInput id="org-code" value={code} onChange={setCode} required describedBy="org-code-description" />
      </Field>
      <Field id="org-name" label={t('name')}>
        <TextInput id="org-name" value={name} onChange={setName} required />
      </Field>
      <Field id="org-kind" label={t('kind')}>
        <SelectInput id="org-kind" value={kind} onChange={(v) => setKind(v as OrganisationKind)} options={ORGANISATION_KINDS.map((k) => ({ value: k, label: tx(`orgKind${k}`, k) }))} />
      </Field>
      <Field id="org-jurisdiction" label={t('homeJurisdiction')} description={t('jurisdictionCodeHelp')}>
        <TextInput id="org-jurisdiction" value={jurisdiction} onChange={setJurisdiction} describedBy="org-jurisdiction-description" />
      </Field>
      <CheckboxField id="org-trusted" label={t('trustedHelp')} checked={trusted} onChange={setTrusted} />
      <Field id="org-reason" label={t('reason')}>
        <TextInput id="org-reason" value={reason} onChange={setReason} />
      </Field>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={action.fetching}>
        {t('organisationCreate')}
      </button>
      <Outcome action={action} testId="organisation-created">
        {made && t('organisationSaved', { name: made.name, code: made.code })}
      </Outcome>
    </form>
  );
}

type Counted = { totalCount: number };

function UpdateForm({ organisations }: { organisations: { code: string; name: string; kind: OrganisationKind; trustedSource: boolean; jurisdiction?: { code: string } | null; reportingScope: Counted; reportingObligations: Counted }[] }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [code, setCode] = useState('');
  const current = organisations.find((o) => o.code === code);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<OrganisationKind | ''>('');
  const [trusted, setTrusted] = useState<'' | 'yes' | 'no'>('');
  const [active, setActive] = useState<'' | 'yes' | 'no'>('');
  const [reason, setReason] = useState('');
  const action = useAction(UpdateOrganisationDocument, (d) => d.updateOrganisation);
  const saved = action.success?.__typename === 'OrganisationChanged' ? action.success.organisation : null;
  const keep = { value: '', label: t('unchanged') };
  return (
    <form
      className="wz-form"
      aria-labelledby="org-update-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run({
          code,
          name: name.trim() || null,
          kind: kind || null,
          jurisdiction: null,
          trustedSource: trusted ? trusted === 'yes' : null,
          active: active ? active === 'yes' : null,
          reason: reason || null,
        });
      }}
    >
      <Heading3 id="org-update-heading">{t('organisationUpdate')}</Heading3>
      <Field id="org-update-code" label={t('organisation')}>
        <SelectInput id="org-update-code" value={code} onChange={setCode} options={[{ value: '', label: '—' }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
      </Field>
      {current && (
        <Paragraph className="wz-muted">
          {tx(`orgKind${current.kind}`, current.kind)} · {t('trusted')}: {current.trustedSource ? t('yes') : t('no')} ·{' '}
          <span data-testid="organisation-counts">{t('reportingCounts', { scope: i18n.number(current.reportingScope.totalCount), obligations: i18n.number(current.reportingObligations.totalCount) })}</span>
        </Paragraph>
      )}
      <Field id="org-update-name" label={t('newName')}>
        <TextInput id="org-update-name" value={name} onChange={setName} />
      </Field>
      <Field id="org-update-kind" label={t('kind')}>
        <SelectInput id="org-update-kind" value={kind} onChange={(v) => setKind(v as OrganisationKind | '')} options={[keep, ...ORGANISATION_KINDS.map((k) => ({ value: k, label: tx(`orgKind${k}`, k) }))]} />
      </Field>
      <Field id="org-update-trusted" label={t('trusted')}>
        <SelectInput id="org-update-trusted" value={trusted} onChange={(v) => setTrusted(v as '' | 'yes' | 'no')} options={[keep, { value: 'yes', label: t('yes') }, { value: 'no', label: t('no') }]} />
      </Field>
      <Field id="org-update-active" label={t('activeState')} description={t('deactivateHelp')}>
        <SelectInput id="org-update-active" value={active} onChange={(v) => setActive(v as '' | 'yes' | 'no')} describedBy="org-update-active-description" options={[keep, { value: 'yes', label: t('activate') }, { value: 'no', label: t('deactivate') }]} />
      </Field>
      <Field id="org-update-reason" label={t('reason')}>
        <TextInput id="org-update-reason" value={reason} onChange={setReason} />
      </Field>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={!code || action.fetching}>
        {t('save')}
      </button>
      <Outcome action={action} testId="organisation-updated">
        {saved && t('organisationSaved', { name: saved.name, code: saved.code })}
      </Outcome>
    </form>
  );
}

function Organisations() {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [{ data, fetching, error }] = useQuery({ query: OrganisationsDocument });
  const organisations = data?.organisations.nodes ?? [];
  return (
    <>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && (
        <Table
          tall
          label={`${t('organisations')} (${i18n.number(data.organisations.totalCount)})`}
          testId="organisations-table"
          head={
            <>
              <Th>{t('organisation')}</Th>
              <Th>{t('code')}</Th>
              <Th>{t('kind')}</Th>
              <Th>{t('area')}</Th>
              <Th>{t('trusted')}</Th>
              <Th num>{t('scopeCount')}</Th>
              <Th num>{t('obligationCount')}</Th>
            </>
          }
        >
          {organisations.map((o) => (
            <tr key={o.id} className="utrecht-table__row">
              <Td>{o.name}</Td>
              <Td small>{o.code}</Td>
              <Td small>{tx(`orgKind${o.kind}`, o.kind)}</Td>
              <Td>{o.jurisdiction?.name ?? '–'}</Td>
              <Td>{o.trustedSource ? t('yes') : t('no')}</Td>
              <Td num>
                <Link to={`/beheer/bereik?organisatie=${encodeURIComponent(o.code)}`} aria-label={t('scopeCountOf', { count: i18n.number(o.reportingScope.totalCount), organisation: o.name })}>
                  {i18n.number(o.reportingScope.totalCount)}
                </Link>
              </Td>
              <Td num>
                <Link to={`/beheer/verplichtingen?organisatie=${encodeURIComponent(o.code)}`} aria-label={t('obligationCountOf', { count: i18n.number(o.reportingObligations.totalCount), organisation: o.name })}>
                  {i18n.number(o.reportingObligations.totalCount)}
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <div className="wz-columns">
        <CreateForm />
        <UpdateForm organisations={organisations} />
      </div>
    </>
  );
}

export default function OrganisationsPage() {
  const { t } = useI18n();
  usePageTitle(t('manageOrganisations'));
  return (
    <section data-testid="organisations-ready" aria-labelledby="organisations-heading">
      <Heading2 id="organisations-heading">{t('manageOrganisations')}</Heading2>
      <RequireAbility ability="manageOrganisations">
        <Organisations />
      </RequireAbility>
    </section>
  );
}
