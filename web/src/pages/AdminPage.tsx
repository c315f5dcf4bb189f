import { useQuery } from 'urql';
import { Alert, Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { RequireAbility } from '../components/Layout';
import { ErrorNotice, Loading } from '../components/feedback';

// Everything the API offers administrators today, in one round trip.
const AdminDocument = graphql(`
  query Admin {
    organisations(first: 100) {
      totalCount
      nodes {
        id
        code
        name
        kind
        trustedSource
        jurisdiction {
          id
          code
          name
        }
      }
    }
    missingReports {
      period
      dueOn
      daysOverdue
      organisation {
        id
        code
        name
      }
      indicator {
        id
        code
        nameNl
        nameEn
      }
      jurisdiction {
        id
        code
        name
      }
    }
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
    webhookSubscriptions {
      id
      url
      active
      events
      organisation {
        id
        name
      }
    }
    auditEvents(first: 15) {
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

function Th({ children, num }: { children: React.ReactNode; num?: boolean }) {
  return (
    <th scope="col" className={num ? 'utrecht-table__header-cell wz-num' : 'utrecht-table__header-cell'}>
      {children}
    </th>
  );
}

function Workspace() {
  const i18n = useI18n();
  const { t } = i18n;
  const [{ data, fetching, error }] = useQuery({ query: AdminDocument });
  return (
    <>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <section aria-labelledby="missing-heading">
        <Heading2 id="missing-heading">{t('missingReports')}</Heading2>
        {data && data.missingReports.length === 0 && <Paragraph>{t('missingReportsNone')}</Paragraph>}
        {data && data.missingReports.length > 0 && (
          <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('missingReports')}>
            <table className="utrecht-table utrecht-table--html-table wz-table" data-testid="missing-reports">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <Th>{t('organisation')}</Th>
                  <Th>{t('indicator')}</Th>
                  <Th>{t('municipality')}</Th>
                  <Th>{t('period')}</Th>
                  <Th>{t('dueOn')}</Th>
                  <Th num>{t('daysOverdue')}</Th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {data.missingReports.map((m, i) => (
                  <tr key={i} className="utrecht-table__row">
                    <td className="utrecht-table__cell">{m.organisation.name}</td>
                    <td className="utrecht-table__cell">{i18n.name(m.indicator)}</td>
                    <td className="utrecht-table__cell">{m.jurisdiction.name}</td>
                    <td className="utrecht-table__cell">{i18n.period(m.period)}</td>
                    <td className="utrecht-table__cell">{i18n.date(m.dueOn)}</td>
                    <td className="utrecht-table__cell wz-num">{i18n.number(m.daysOverdue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="orgs-heading">
        <Heading2 id="orgs-heading">
          {t('organisations')} {data && `(${data.organisations.totalCount})`}
        </Heading2>
        {data && (
          <div className="wz-scroll wz-scroll--tall" tabIndex={0} role="region" aria-label={t('organisations')}>
            <table className="utrecht-table utrecht-table--html-table wz-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <Th>{t('organisation')}</Th>
                  <Th>code</Th>
                  <Th>{t('kind')}</Th>
                  <Th>{t('area')}</Th>
                  <Th>{t('trusted')}</Th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {data.organisations.nodes.map((o) => (
                  <tr key={o.id} className="utrecht-table__row">
                    <td className="utrecht-table__cell">{o.name}</td>
                    <td className="utrecht-table__cell wz-small">{o.code}</td>
                    <td className="utrecht-table__cell wz-small">{o.kind}</td>
                    <td className="utrecht-table__cell">{o.jurisdiction?.name ?? '–'}</td>
                    <td className="utrecht-table__cell">{o.trustedSource ? t('yes') : t('no')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="wz-columns">
        <section aria-labelledby="sources-heading">
          <Heading2 id="sources-heading">{t('sources')}</Heading2>
          <ul className="wz-link-list">
            {data?.sources.nodes.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong> ({s.kind}, {s.organisation.name}) · {t('schedule')}: <code>{s.schedule}</code> · {t('active')}: {s.active ? t('yes') : t('no')}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="webhooks-heading">
          <Heading2 id="webhooks-heading">{t('webhooks')}</Heading2>
          {data && data.webhookSubscriptions.length === 0 && <Paragraph>{t('none')}</Paragraph>}
          <ul className="wz-link-list">
            {data?.webhookSubscriptions.map((w) => (
              <li key={w.id}>
                {w.organisation.name}: <code>{w.url}</code> ({w.events.join(', ')}) {w.active ? '' : `· ${t('no')} ${t('active').toLowerCase()}`}
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section aria-labelledby="audit-heading">
        <Heading2 id="audit-heading">{t('auditTrail')}</Heading2>
        {data && (
          <div className="wz-scroll" tabIndex={0} role="region" aria-label={t('auditTrail')}>
            <table className="utrecht-table utrecht-table--html-table wz-table">
              <thead className="utrecht-table__header">
                <tr className="utrecht-table__row">
                  <Th>{t('when')}</Th>
                  <Th>{t('actor')}</Th>
                  <Th>{t('action')}</Th>
                  <Th>{t('object')}</Th>
                  <Th>{t('reason')}</Th>
                </tr>
              </thead>
              <tbody className="utrecht-table__body">
                {data.auditEvents.nodes.map((a) => (
                  <tr key={a.id} className="utrecht-table__row">
                    <td className="utrecht-table__cell">{i18n.dateTime(a.occurredAt)}</td>
                    <td className="utrecht-table__cell wz-small">{a.actorLabel}</td>
                    <td className="utrecht-table__cell">{a.action}</td>
                    <td className="utrecht-table__cell wz-small">
                      {a.objectType} {a.objectId}
                    </td>
                    <td className="utrecht-table__cell">{a.reason ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="coming-heading" data-testid="admin-coming">
        <Heading2 id="coming-heading">{t('comingTitle')}</Heading2>
        <Alert type="info">
          <Paragraph>{t('comingText')}</Paragraph>
        </Alert>
        <div className="wz-columns wz-columns--3">
          {(['comingPeople', 'comingScopes', 'comingTokens'] as const).map((key) => (
            <section key={key} className="wz-card wz-placeholder" aria-label={t(key)}>
              <h3 className="utrecht-heading-3">{t(key)}</h3>
              <p className="wz-muted">{t('comingTitle')}</p>
            </section>
          ))}
        </div>
      </section>
    </>
  );
}

export default function AdminPage() {
  const { t } = useI18n();
  usePageTitle(t('adminTitle'));
  return (
    <div data-testid="admin-ready">
      <Heading1>{t('adminTitle')}</Heading1>
      <Paragraph>{t('adminIntro')}</Paragraph>
      <RequireAbility ability="administer">
        <Workspace />
      </RequireAbility>
    </div>
  );
}
