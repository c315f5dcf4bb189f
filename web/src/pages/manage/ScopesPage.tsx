import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice } from '../../components/feedback';
import { Field, Outcome, SelectInput, TextInput, describedBy, useAction } from '../../components/forms';
import { codes } from '../../components/table';
import { ScopeList } from './reporting';

const ScopeOrganisationsDocument = graphql(`
  query ScopeOrganisations {
    organisations(first: 100) {
      nodes {
        id
        code
        name
      }
    }
  }
`);

export const GrantScopeDocument = graphql(`
  mutation GrantScope($organisation: String!, $jurisdictions: [String!]!, $indicators: [String!], $reason: String) {
    grantScope(organisation: $organisation, jurisdictions: $jurisdictions, indicators: $indicators, reason: $reason) {
      __typename
      ... on ScopeChanged {
        organisation
        scope {
          id
          jurisdiction
          indicator
        }
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...InvalidInputFields
      ...InvalidStateFields
      ...RateLimitedFields
    }
  }
`);

const RevokeScopeDocument = graphql(`
  mutation RevokeScope($organisation: String!, $jurisdictions: [String!]!, $indicators: [String!], $reason: String) {
    revokeScope(organisation: $organisation, jurisdictions: $jurisdictions, indicators: $indicators, reason: $reason) {
      __typename
      ... on ScopeChanged {
        organisation
        scope {
          id
          jurisdiction
          indicator
        }
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...InvalidInputFields
      ...InvalidStateFields
      ...RateLimitedFields
    }
  }
`);

function Scopes() {
  const { t } = useI18n();
  const [{ data, error }] = useQuery({ query: ScopeOrganisationsDocument });
  // The chosen organisation is part of the URL (?organisatie=), so its scope can be linked to.
  const [params, setParams] = useSearchParams();
  const organisation = params.get('organisatie') ?? '';
  const setOrganisation = (code: string) => setParams(code ? { organisatie: code } : {}, { replace: true });
  // Bumped after every change: the list starts again from its (refetched) first page.
  const [changes, setChanges] = useState(0);
  const [jurisdictions, setJurisdictions] = useState('');
  const [indicators, setIndicators] = useState('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const grant = useAction(GrantScopeDocument, (d) => d.grantScope);
  const revoke = useAction(RevokeScopeDocument, (d) => d.revokeScope);
  const send = (which: typeof grant) => {
    if (!organisation || !codes(jurisdictions).length) {
      setMissing(true);
      return;
    }
    setMissing(false);
    (which === grant ? revoke : grant).dismiss();
    void which.run({ organisation, jurisdictions: codes(jurisdictions), indicators: codes(indicators).length ? codes(indicators) : null, reason: reason || null }).then((result) => {
      if (result?.__typename === 'ScopeChanged') setChanges((n) => n + 1);
    });
  };
  return (
    <>
      <ErrorNotice error={error} />
      <form className="wz-form" onSubmit={(e) => e.preventDefault()} aria-label={t('manageScopes')}>
        <Field id="scope-organisation" label={t('organisation')}>
          <SelectInput id="scope-organisation" value={organisation} onChange={setOrganisation} options={[{ value: '', label: '—' }, ...(data?.organisations.nodes ?? []).map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
        <Field id="scope-jurisdictions" label={t('jurisdictions')} description={t('codesHelp')} error={missing ? t('scopeRequired') : null}>
          <TextInput id="scope-jurisdictions" value={jurisdictions} onChange={setJurisdictions} invalid={missing} describedBy={describedBy('scope-jurisdictions', { description: true, error: missing })} />
        </Field>
        <Field id="scope-indicators" label={t('indicatorsOptional')} description={t('indicatorsHelp')}>
          <TextInput id="scope-indicators" value={indicators} onChange={setIndicators} describedBy="scope-indicators-description" />
        </Field>
        <Field id="scope-reason" label={t('reason')}>
          <TextInput id="scope-reason" value={reason} onChange={setReason} />
        </Field>
        <div className="wz-inline-form">
          <button type="button" className="utrecht-button utrecht-button--primary-action" disabled={grant.fetching} onClick={() => send(grant)}>
            {t('grantScope')}
          </button>
          <button type="button" className="utrecht-button utrecht-button--secondary-action" disabled={revoke.fetching} onClick={() => send(revoke)}>
            {t('revokeScope')}
          </button>
        </div>
      </form>
      <Outcome action={grant} testId="scope-granted">
        {t('scopeGranted')}
      </Outcome>
      <Outcome action={revoke} testId="scope-revoked">
        {t('scopeRevoked')}
      </Outcome>
      {organisation && <ScopeList key={`${organisation}:${changes}`} organisation={organisation} />}
    </>
  );
}

export default function ScopesPage() {
  const { t } = useI18n();
  usePageTitle(t('manageScopes'));
  return (
    <section data-testid="scopes-ready" aria-labelledby="scopes-heading">
      <Heading2 id="scopes-heading">{t('manageScopes')}</Heading2>
      <Paragraph>{t('scopesIntro')}</Paragraph>
      <RequireAbility ability="manageScopes">
        <Scopes />
      </RequireAbility>
    </section>
  );
}
