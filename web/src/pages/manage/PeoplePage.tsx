import { useState } from 'react';
import { useQuery } from 'urql';
import { Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { Role as ApiRole } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { can, useSession, type Session } from '../../lib/auth';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice, Loading } from '../../components/feedback';
import { Field, Outcome, SelectInput, TextInput, useAction } from '../../components/forms';
import { Table, Td, Th } from '../../components/table';

const PeopleDocument = graphql(`
  query People($withOrganisations: Boolean!) {
    users(first: 100) {
      totalCount
      nodes {
        id
        email
        name
        role
        active
        hasPassword
        organisation {
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

const InviteUserDocument = graphql(`
  mutation InviteUser($email: String!, $name: String!, $organisation: String!, $role: Role!, $reason: String) {
    inviteUser(email: $email, name: $name, organisation: $organisation, role: $role, reason: $reason) {
      __typename
      ... on UserInvited {
        invitationLink
        expiresAt
        user {
          id
          email
          name
          role
          active
          hasPassword
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

const UpdateUserDocument = graphql(`
  mutation UpdateUser($email: String!, $role: Role, $active: Boolean, $name: String, $reason: String) {
    updateUser(email: $email, role: $role, active: $active, name: $name, reason: $reason) {
      __typename
      ... on UserUpdated {
        user {
          id
          email
          name
          role
          active
          hasPassword
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

export const ROLES: ApiRole[] = ['ADMIN', 'TASKFORCE', 'PARTNER', 'VIEWER'];

/** The roles a person may hand out: administrators any; others their own role or viewer. */
export function grantableRoles(session: Session | null): ApiRole[] {
  if (session?.role === 'admin') return ROLES;
  const own = session?.role ? (session.role.toUpperCase() as ApiRole) : null;
  return own && own !== 'VIEWER' ? [own, 'VIEWER'] : ['VIEWER'];
}

function InviteForm({ organisations }: { organisations: { code: string; name: string }[] }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const session = useSession();
  const any = can(session, 'manageOrganisations');
  const roles = grantableRoles(session);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [organisation, setOrganisation] = useState(any ? '' : (session?.organisation ?? ''));
  const [role, setRole] = useState<ApiRole>(roles[roles.length - 1]!);
  const [reason, setReason] = useState('');
  const action = useAction(InviteUserDocument, (d) => d.inviteUser);
  const invited = action.success?.__typename === 'UserInvited' ? action.success : null;
  return (
    <form
      className="wz-form"
      aria-labelledby="invite-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run({ email: email.trim(), name: name.trim(), organisation, role, reason: reason || null });
      }}
    >
      <Heading3 id="invite-heading">{t('invitePerson')}</Heading3>
      <Field id="invite-email" label={t('email')}>
        <TextInput id="invite-email" type="email" value={email} onChange={setEmail} required />
      </Field>
      <Field id="invite-name" label={t('name')}>
        <TextInput id="invite-name" value={name} onChange={setName} required />
      </Field>
      {any ? (
        <Field id="invite-organisation" label={t('organisation')}>
          <SelectInput id="invite-organisation" value={organisation} onChange={setOrganisation} options={[{ value: '', label: '—' }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      ) : (
        <Paragraph>
          {t('organisation')}: <strong>{organisation}</strong>
        </Paragraph>
      )}
      <Field id="invite-role" label={t('role')}>
        <SelectInput id="invite-role" value={role} onChange={(v) => setRole(v as ApiRole)} options={roles.map((r) => ({ value: r, label: tx(`role${r.toLowerCase()}`, r) }))} />
      </Field>
      <Field id="invite-reason" label={t('reason')}>
        <TextInput id="invite-reason" value={reason} onChange={setReason} />
      </Field>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={action.fetching}>
        {t('invite')}
      </button>
      <Outcome action={action} testId="user-invited">
        {invited && (
          <>
            <Paragraph>{t('invited', { email: invited.user.email, until: i18n.dateTime(invited.expiresAt) })}</Paragraph>
            {invited.invitationLink ? (
              <Paragraph>
                {t('invitationLinkOnce')} <code data-testid="invitation-link">{invited.invitationLink}</code>
              </Paragraph>
            ) : (
              <Paragraph>{t('invitationEmailed')}</Paragraph>
            )}
          </>
        )}
      </Outcome>
    </form>
  );
}

function UpdateForm({ users }: { users: { email: string; name: string }[] }) {
  const { t, tx } = useI18n();
  const session = useSession();
  const roles = grantableRoles(session);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ApiRole | ''>('');
  const [active, setActive] = useState<'' | 'yes' | 'no'>('');
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction(UpdateUserDocument, (d) => d.updateUser);
  const updated = action.success?.__typename === 'UserUpdated' ? action.success.user : null;
  const keep = { value: '', label: t('unchanged') };
  return (
    <form
      className="wz-form"
      aria-labelledby="update-user-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run({ email, role: role || null, active: active ? active === 'yes' : null, name: name.trim() || null, reason: reason || null });
      }}
    >
      <Heading3 id="update-user-heading">{t('updatePerson')}</Heading3>
      <Field id="update-user-email" label={t('person')}>
        <SelectInput id="update-user-email" value={email} onChange={setEmail} options={[{ value: '', label: '—' }, ...users.map((u) => ({ value: u.email, label: `${u.name} <${u.email}>` }))]} />
      </Field>
      <Field id="update-user-role" label={t('role')}>
        <SelectInput id="update-user-role" value={role} onChange={(v) => setRole(v as ApiRole | '')} options={[keep, ...roles.map((r) => ({ value: r, label: tx(`role${r.toLowerCase()}`, r) }))]} />
      </Field>
      <Field id="update-user-active" label={t('activeState')} description={t('deactivateUserHelp')}>
        <SelectInput id="update-user-active" value={active} onChange={(v) => setActive(v as '' | 'yes' | 'no')} describedBy="update-user-active-description" options={[keep, { value: 'yes', label: t('activate') }, { value: 'no', label: t('deactivate') }]} />
      </Field>
      <Field id="update-user-name" label={t('newName')}>
        <TextInput id="update-user-name" value={name} onChange={setName} />
      </Field>
      <Field id="update-user-reason" label={t('reason')}>
        <TextInput id="update-user-reason" value={reason} onChange={setReason} />
      </Field>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={!email || action.fetching}>
        {t('save')}
      </button>
      <Outcome action={action} testId="user-updated">
        {updated && t('personSaved', { email: updated.email, role: tx(`role${updated.role.toLowerCase()}`, updated.role), active: updated.active ? t('activeYes') : t('activeNo') })}
      </Outcome>
    </form>
  );
}

function People() {
  const { t, tx } = useI18n();
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({ query: PeopleDocument, variables: { withOrganisations: can(session, 'manageOrganisations') } });
  const users = data?.users.nodes ?? [];
  return (
    <>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && users.length === 0 && <Paragraph>{t('none')}</Paragraph>}
      {users.length > 0 && (
        <Table
          tall
          label={`${t('people')} (${data?.users.totalCount ?? users.length})`}
          testId="people-table"
          head={
            <>
              <Th>{t('name')}</Th>
              <Th>{t('email')}</Th>
              <Th>{t('organisation')}</Th>
              <Th>{t('role')}</Th>
              <Th>{t('activeState')}</Th>
              <Th>{t('password')}</Th>
            </>
          }
        >
          {users.map((u) => (
            <tr key={u.email} className="utrecht-table__row">
              <Td>{u.name}</Td>
              <Td small>{u.email}</Td>
              <Td>{u.organisation?.name ?? '–'}</Td>
              <Td>{tx(`role${u.role.toLowerCase()}`, u.role)}</Td>
              <Td>{u.active ? t('activeYes') : t('activeNo')}</Td>
              <Td>{u.hasPassword ? t('passwordSet') : t('invitationOpen')}</Td>
            </tr>
          ))}
        </Table>
      )}
      <div className="wz-columns">
        <InviteForm organisations={data?.organisations?.nodes ?? []} />
        <UpdateForm users={users} />
      </div>
    </>
  );
}

export default function PeoplePage() {
  const { t } = useI18n();
  usePageTitle(t('managePeople'));
  return (
    <section data-testid="people-ready" aria-labelledby="people-heading">
      <Heading2 id="people-heading">{t('managePeople')}</Heading2>
      <Paragraph>{t('peopleIntro')}</Paragraph>
      <RequireAbility ability="managePeople">
        <People />
      </RequireAbility>
    </section>
  );
}
