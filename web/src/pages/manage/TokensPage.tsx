import { useState } from 'react';
import { useQuery } from 'urql';
import { Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { Role as ApiRole } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { can, useSession } from '../../lib/auth';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice, Loading } from '../../components/feedback';
import { Field, Outcome, SelectInput, TextInput, useAction } from '../../components/forms';
import { Table, Td, Th } from '../../components/table';
import { grantableRoles } from './PeoplePage';

const TokensDocument = graphql(`
  query Tokens($withOrganisations: Boolean!) {
    apiTokens(first: 100) {
      totalCount
      nodes {
        id
        prefix
        name
        role
        organisation
        expiresAt
        revokedAt
        lastUsedAt
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

const CreateTokenDocument = graphql(`
  mutation CreateToken($name: String!, $role: Role!, $organisation: String, $expiresInDays: Int) {
    createToken(name: $name, role: $role, organisation: $organisation, expiresInDays: $expiresInDays) {
      __typename
      ... on TokenCreated {
        token
        info {
          id
          prefix
          name
          role
          organisation
          expiresAt
          revokedAt
          lastUsedAt
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

const RevokeTokenDocument = graphql(`
  mutation RevokeToken($prefix: String!, $reason: String) {
    revokeToken(prefix: $prefix, reason: $reason) {
      __typename
      ... on TokenRevoked {
        info {
          id
          prefix
          name
          revokedAt
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

function CreateForm({ organisations }: { organisations: { code: string; name: string }[] }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const session = useSession();
  const any = can(session, 'manageOrganisations');
  const roles = grantableRoles(session);
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiRole>(roles[0]!);
  const [organisation, setOrganisation] = useState('');
  const [days, setDays] = useState('90');
  const action = useAction(CreateTokenDocument, (d) => d.createToken);
  const made = action.success?.__typename === 'TokenCreated' ? action.success : null;
  return (
    <form
      className="wz-form"
      aria-labelledby="token-create-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run({ name: name.trim(), role, organisation: organisation || null, expiresInDays: Number(days) || null });
      }}
    >
      <Heading3 id="token-create-heading">{t('tokenCreate')}</Heading3>
      <Field id="token-name" label={t('tokenName')} description={t('tokenNameHelp')}>
        <TextInput id="token-name" value={name} onChange={setName} required describedBy="token-name-description" />
      </Field>
      <Field id="token-role" label={t('role')}>
        <SelectInput id="token-role" value={role} onChange={(v) => setRole(v as ApiRole)} options={roles.map((r) => ({ value: r, label: tx(`role${r.toLowerCase()}`, r) }))} />
      </Field>
      {any && (
        <Field id="token-organisation" label={t('organisation')}>
          <SelectInput id="token-organisation" value={organisation} onChange={setOrganisation} options={[{ value: '', label: t('ownOrganisation') }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      )}
      <Field id="token-days" label={t('expiresInDays')}>
        <TextInput id="token-days" type="number" value={days} onChange={setDays} className="wz-short" />
      </Field>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={action.fetching}>
        {t('tokenCreate')}
      </button>
      <Outcome action={action} testId="token-created">
        {made && (
          <>
            <Paragraph>{t('tokenCreated', { name: made.info.name, until: i18n.dateTime(made.info.expiresAt) })}</Paragraph>
            <Paragraph>
              <strong>{t('tokenShownOnce')}</strong>
            </Paragraph>
            <Paragraph>
              <code data-testid="new-token" className="wz-secret">
                {made.token}
              </code>
            </Paragraph>
          </>
        )}
      </Outcome>
    </form>
  );
}

function RevokeButton({ prefix, name }: { prefix: string; name: string }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const action = useAction(RevokeTokenDocument, (d) => d.revokeToken);
  const id = `revoke-${prefix}`;
  return (
    <div>
      <div className="wz-inline-form">
        <Field id={id} label={t('revokeReasonFor', { name })}>
          <TextInput id={id} value={reason} onChange={setReason} />
        </Field>
        <button type="button" className="utrecht-button utrecht-button--secondary-action" disabled={action.fetching} onClick={() => void action.run({ prefix, reason: reason || null })}>
          {t('revoke')}
        </button>
      </div>
      <Outcome action={action} testId="token-revoked">
        {t('tokenRevoked', { name })}
      </Outcome>
    </div>
  );
}

function Tokens() {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({ query: TokensDocument, variables: { withOrganisations: can(session, 'manageOrganisations') } });
  const tokens = data?.apiTokens.nodes ?? [];
  return (
    <>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && tokens.length === 0 && <Paragraph>{t('none')}</Paragraph>}
      {tokens.length > 0 && (
        <Table
          tall
          label={`${t('tokens')} (${data?.apiTokens.totalCount ?? tokens.length})`}
          testId="tokens-table"
          head={
            <>
              <Th>{t('tokenName')}</Th>
              <Th>{t('prefix')}</Th>
              <Th>{t('organisation')}</Th>
              <Th>{t('role')}</Th>
              <Th>{t('expiresAt')}</Th>
              <Th>{t('lastUsedAt')}</Th>
              <Th>{t('activeState')}</Th>
            </>
          }
        >
          {tokens.map((k) => (
            <tr key={k.prefix} className="utrecht-table__row" data-token={k.prefix}>
              <Td>{k.name}</Td>
              <Td small>
                <code>wz_{k.prefix}_…</code>
              </Td>
              <Td small>{k.organisation}</Td>
              <Td>{tx(`role${k.role.toLowerCase()}`, k.role)}</Td>
              <Td>{i18n.dateTime(k.expiresAt)}</Td>
              <Td>{i18n.dateTime(k.lastUsedAt)}</Td>
              <Td>{k.revokedAt ? `${t('revokedOn')} ${i18n.dateTime(k.revokedAt)}` : <RevokeButton prefix={k.prefix} name={k.name} />}</Td>
            </tr>
          ))}
        </Table>
      )}
      <CreateForm organisations={data?.organisations?.nodes ?? []} />
    </>
  );
}

export default function TokensPage() {
  const { t } = useI18n();
  usePageTitle(t('manageTokens'));
  return (
    <section data-testid="tokens-ready" aria-labelledby="tokens-heading">
      <Heading2 id="tokens-heading">{t('manageTokens')}</Heading2>
      <Paragraph>{t('tokensIntro')}</Paragraph>
      <RequireAbility ability="manageTokens">
        <Tokens />
      </RequireAbility>
    </section>
  );
}
