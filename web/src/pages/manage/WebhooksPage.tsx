import { useState } from 'react';
import { useQuery } from 'urql';
import { Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { WebhookEvent } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { can, useSession } from '../../lib/auth';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice, Loading } from '../../components/feedback';
import { CheckboxField, Field, Outcome, SelectInput, TextInput, describedBy, useAction } from '../../components/forms';
import { Table, Td, Th } from '../../components/table';

const WebhooksDocument = graphql(`
  query Webhooks($organisation: String, $withOrganisations: Boolean!) {
    webhookSubscriptions(filter: { organisation: $organisation }, first: 100) {
      nodes {
        id
        url
        active
        createdAt
        events
        organisation {
          id
          code
          name
        }
      }
    }
    webhookDeliveries(filter: { organisation: $organisation }, first: 50) {
      nodes {
        id
        event
        status
        attempts
        responseCode
        lastError
        createdAt
        lastAttemptAt
        deliveredAt
        subscription {
          id
          url
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

const SubscribeWebhookDocument = graphql(`
  mutation SubscribeWebhook($url: String!, $events: [WebhookEvent!]!, $organisation: String) {
    subscribeWebhook(url: $url, events: $events, organisation: $organisation) {
      __typename
      ... on WebhookSubscribed {
        created
        secret
        subscription {
          id
          url
          active
          createdAt
          events
          organisation {
            id
            code
            name
          }
        }
      }
      ...NotAllowedFields
      ...InvalidInputFields
      ...RateLimitedFields
    }
  }
`);

const UnsubscribeWebhookDocument = graphql(`
  mutation UnsubscribeWebhook($id: ID!) {
    unsubscribeWebhook(id: $id) {
      __typename
      ... on WebhookUnsubscribed {
        subscription {
          id
          url
          active
        }
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...RateLimitedFields
    }
  }
`);

const EVENTS: WebhookEvent[] = ['SUBMISSION_STATUS_CHANGED', 'TARGET_PROGRESS_STATUS_CHANGED', 'REMINDER'];

function SubscribeForm({ organisations }: { organisations: { code: string; name: string }[] }) {
  const { t, tx } = useI18n();
  const session = useSession();
  const any = can(session, 'manageOrganisations');
  const [url, setUrl] = useState('https://');
  const [events, setEvents] = useState<WebhookEvent[]>(['SUBMISSION_STATUS_CHANGED']);
  const [organisation, setOrganisation] = useState('');
  const [noEvents, setNoEvents] = useState(false);
  const action = useAction(SubscribeWebhookDocument, (d) => d.subscribeWebhook);
  const made = action.success?.__typename === 'WebhookSubscribed' ? action.success : null;
  return (
    <form
      className="wz-form"
      aria-labelledby="subscribe-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (!events.length) {
          setNoEvents(true);
          return;
        }
        setNoEvents(false);
        void action.run({ url: url.trim(), events, organisation: organisation || null });
      }}
    >
      <Heading3 id="subscribe-heading">{t('webhookSubscribe')}</Heading3>
      <Field id="webhook-url" label={t('webhookUrl')} description={t('webhookUrlHelp')}>
        <TextInput id="webhook-url" type="url" value={url} onChange={setUrl} required describedBy={describedBy('webhook-url', { description: true })} />
      </Field>
      {any && (
        <Field id="webhook-organisation" label={t('organisation')}>
          <SelectInput id="webhook-organisation" value={organisation} onChange={setOrganisation} options={[{ value: '', label: t('ownOrganisation') }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      )}
      <fieldset className="utrecht-form-fieldset">
        <legend className="utrecht-form-fieldset__legend">{t('webhookEvents')}</legend>
        {noEvents && <p className="utrecht-form-field-error-message">{t('webhookEventsRequired')}</p>}
        {EVENTS.map((ev) => (
          <CheckboxField key={ev} id={`event-${ev}`} label={tx(`event${ev}`, ev)} checked={events.includes(ev)} onChange={(on) => setEvents((list) => (on ? [...list, ev] : list.filter((x) => x !== ev)))} />
        ))}
      </fieldset>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={action.fetching}>
        {t('webhookSubscribe')}
      </button>
      <Outcome action={action} testId="webhook-subscribed">
        {made && (
          <>
            <Paragraph>{made.created ? t('webhookCreated', { url: made.subscription.url }) : t('webhookUpdated', { url: made.subscription.url })}</Paragraph>
            {made.secret && (
              <Paragraph>
                <strong>{t('webhookSecretOnce')}</strong> <code data-testid="webhook-secret" className="wz-secret">{made.secret}</code>
              </Paragraph>
            )}
          </>
        )}
      </Outcome>
    </form>
  );
}

function UnsubscribeButton({ id, url }: { id: string; url: string }) {
  const { t } = useI18n();
  const action = useAction(UnsubscribeWebhookDocument, (d) => d.unsubscribeWebhook);
  return (
    <>
      <button type="button" className="utrecht-button utrecht-button--secondary-action" aria-label={t('webhookUnsubscribeLabel', { url })} disabled={action.fetching} onClick={() => void action.run({ id })}>
        {t('webhookUnsubscribe')}
      </button>
      <Outcome action={action} testId="webhook-unsubscribed">
        {t('webhookEnded', { url })}
      </Outcome>
    </>
  );
}

function Webhooks() {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const session = useSession();
  const any = can(session, 'manageOrganisations');
  const [organisation, setOrganisation] = useState('');
  const [{ data, fetching, error }] = useQuery({ query: WebhooksDocument, variables: { organisation: organisation || null, withOrganisations: any } });
  const subscriptions = data?.webhookSubscriptions.nodes ?? [];
  const deliveries = data?.webhookDeliveries.nodes ?? [];
  const organisations = data?.organisations?.nodes ?? [];
  return (
    <>
      {any && (
        <Field id="webhooks-filter" label={t('showOrganisation')}>
          <SelectInput id="webhooks-filter" value={organisation} onChange={setOrganisation} options={[{ value: '', label: t('allOrganisations') }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      )}
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <Heading3>{t('webhookSubscriptions')}</Heading3>
      {data && subscriptions.length === 0 && <Paragraph>{t('none')}</Paragraph>}
      {subscriptions.length > 0 && (
        <Table label={t('webhookSubscriptions')} testId="webhooks-table" head={<><Th>{t('webhookUrl')}</Th><Th>{t('organisation')}</Th><Th>{t('webhookEvents')}</Th><Th>{t('since')}</Th><Th>{t('activeState')}</Th></>}>
          {subscriptions.map((w) => (
            <tr key={w.id} className="utrecht-table__row" data-webhook={w.url}>
              <Td small>
                <code>{w.url}</code>
              </Td>
              <Td>{w.organisation.name}</Td>
              <Td small>{w.events.map((e) => tx(`event${e}`, e)).join(', ')}</Td>
              <Td>{i18n.dateTime(w.createdAt)}</Td>
              <Td>{w.active ? <UnsubscribeButton id={w.id} url={w.url} /> : t('activeNo')}</Td>
            </tr>
          ))}
        </Table>
      )}
      <SubscribeForm organisations={organisations} />
      <Heading3>{t('webhookDeliveries')}</Heading3>
      {data && deliveries.length === 0 && <Paragraph>{t('none')}</Paragraph>}
      {deliveries.length > 0 && (
        <Table label={t('webhookDeliveries')} testId="deliveries-table" head={<><Th>{t('when')}</Th><Th>{t('webhookEvent')}</Th><Th>{t('webhookUrl')}</Th><Th>{t('status')}</Th><Th num>{t('attempts')}</Th><Th num>HTTP</Th><Th>{t('lastError')}</Th></>}>
          {deliveries.map((d) => (
            <tr key={d.id} className="utrecht-table__row">
              <Td>{i18n.dateTime(d.createdAt)}</Td>
              <Td small>{tx(`event${d.event}`, d.event)}</Td>
              <Td small>
                <code>{d.subscription.url}</code>
              </Td>
              <Td>{tx(`delivery${d.status}`, d.status)}</Td>
              <Td num>{i18n.number(d.attempts)}</Td>
              <Td num>{d.responseCode ?? '–'}</Td>
              <Td small>{d.lastError ?? '–'}</Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export default function WebhooksPage() {
  const { t } = useI18n();
  usePageTitle(t('manageWebhooks'));
  return (
    <section data-testid="webhooks-ready" aria-labelledby="webhooks-heading">
      <Heading2 id="webhooks-heading">{t('manageWebhooks')}</Heading2>
      <Paragraph>{t('webhooksIntro')}</Paragraph>
      <RequireAbility ability="manageWebhooks">
        <Webhooks />
      </RequireAbility>
    </section>
  );
}
