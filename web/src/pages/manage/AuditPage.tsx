import { useQuery } from 'urql';
import { Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { RequireAbility } from '../../components/Layout';
import { ErrorNotice, Loading } from '../../components/feedback';
import { Table, Td, Th } from '../../components/table';

// The registered sources and the newest audit events (administrators), in one round trip.
const AuditDocument = graphql(`
  query Audit {
    sources(first: 50) {
      nodes {
        id
        code
        name
        kind
        schedule
        active
        organisation {
          id
          name
        }
      }
    }
    auditEvents(first: 25) {
      nodes {
        id
        occurredAt
        actorLabel
        action
        objectType
        objectId
        reason
      }
    }
  }
`);

function Audit() {
  const i18n = useI18n();
  const { t } = i18n;
  const [{ data, fetching, error }] = useQuery({ query: AuditDocument });
  return (
    <>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <section aria-labelledby="sources-heading">
        <h3 id="sources-heading" className="utrecht-heading-3">
          {t('sources')}
        </h3>
        <ul className="wz-link-list">
          {data?.sources.nodes.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong> ({s.kind}, {s.organisation.name}) · {t('schedule')}: <code>{s.schedule}</code> · {t('active')}: {s.active ? t('yes') : t('no')}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="audit-heading">
        <h3 id="audit-heading" className="utrecht-heading-3">
          {t('auditTrail')}
        </h3>
        {data && (
          <Table label={t('auditTrail')} testId="audit-table" head={<><Th>{t('when')}</Th><Th>{t('actor')}</Th><Th>{t('action')}</Th><Th>{t('object')}</Th><Th>{t('reason')}</Th></>}>
            {data.auditEvents.nodes.map((a) => (
              <tr key={a.id} className="utrecht-table__row">
                <Td>{i18n.dateTime(a.occurredAt)}</Td>
                <Td small>{a.actorLabel}</Td>
                <Td>{a.action}</Td>
                <Td small>
                  {a.objectType} {a.objectId}
                </Td>
                <Td>{a.reason ?? '–'}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}

export default function AuditPage() {
  const { t } = useI18n();
  usePageTitle(t('manageAudit'));
  return (
    <section data-testid="audit-ready" aria-labelledby="audit-page-heading">
      <Heading2 id="audit-page-heading">{t('manageAudit')}</Heading2>
      <Paragraph>{t('auditIntro')}</Paragraph>
      <RequireAbility ability="administer">
        <Audit />
      </RequireAbility>
    </section>
  );
}
