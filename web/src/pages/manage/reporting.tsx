// An organisation's current reporting scope and obligations (Organisation.reportingScope and
// reportingObligations), as the scope and obligation pages list them under their forms. The API
// answers an empty list to whoever may not see an organisation's reporting.
import { useClient, useQuery } from 'urql';
import { Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../../gql';
import type { OrganisationObligationsQuery, OrganisationScopeQuery } from '../../gql/graphql';
import { useI18n } from '../../lib/i18n';
import { ErrorNotice, Loading } from '../../components/feedback';
import { MoreButton, useMorePages } from '../../components/paging';
import { Table, Td, Th } from '../../components/table';

export const OrganisationScopeDocument = graphql(`
  query OrganisationScope($organisation: String!, $after: String) {
    organisations(filter: { codes: [$organisation] }, first: 1) {
      nodes {
        id
        code
        name
        reportingScope(first: 100, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            jurisdiction
            indicator
          }
        }
      }
    }
  }
`);

export const OrganisationObligationsDocument = graphql(`
  query OrganisationObligations($organisation: String!, $after: String) {
    organisations(filter: { codes: [$organisation] }, first: 1) {
      nodes {
        id
        code
        name
        reportingObligations(first: 100, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            organisation
            indicator
            jurisdictions
            frequency
            dueDays
            firstPeriod
            lastPeriod
            active
          }
        }
      }
    }
  }
`);

type ScopeEntry = NonNullable<OrganisationScopeQuery['organisations']['nodes'][number]>['reportingScope']['nodes'][number];
type Obligation = NonNullable<OrganisationObligationsQuery['organisations']['nodes'][number]>['reportingObligations']['nodes'][number];

/** What `organisation` may report for now, paged. */
export function ScopeList({ organisation }: { organisation: string }) {
  const { t } = useI18n();
  const client = useClient();
  const [{ data, fetching, error }] = useQuery({ query: OrganisationScopeDocument, variables: { organisation } });
  const found = data?.organisations.nodes[0];
  const paging = useMorePages<ScopeEntry>(organisation, found?.reportingScope, async (after) => {
    const answer = await client.query(OrganisationScopeDocument, { organisation, after }, { requestPolicy: 'network-only' }).toPromise();
    return { page: answer.data?.organisations.nodes[0]?.reportingScope ?? null, error: answer.error ?? null };
  });
  const name = found ? `${found.name} (${found.code})` : organisation;
  return (
    <section aria-labelledby="scope-current-heading" data-testid="scope-current">
      <Heading3 id="scope-current-heading">{t('scopeCurrent', { organisation: name })}</Heading3>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && !found && <Paragraph>{t('organisationNotFound', { organisation })}</Paragraph>}
      {found && paging.nodes.length === 0 && <Paragraph data-testid="scope-empty">{t('scopeEmpty', { organisation: name })}</Paragraph>}
      {found && paging.nodes.length > 0 && (
        <Table label={t('scopeNow', { organisation: name })} testId="scope-table" head={<><Th>{t('jurisdiction')}</Th><Th>{t('indicator')}</Th></>}>
          {paging.nodes.map((e) => (
            <tr key={e.id} className="utrecht-table__row">
              <Td>{e.jurisdiction}</Td>
              <Td>{e.indicator ?? t('everyIndicator')}</Td>
            </tr>
          ))}
        </Table>
      )}
      <MoreButton paging={paging} />
    </section>
  );
}

/** The obligations of `organisation` (ended ones included), paged. */
export function ObligationList({ organisation }: { organisation: string }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const client = useClient();
  const [{ data, fetching, error }] = useQuery({ query: OrganisationObligationsDocument, variables: { organisation } });
  const found = data?.organisations.nodes[0];
  const paging = useMorePages<Obligation>(organisation, found?.reportingObligations, async (after) => {
    const answer = await client.query(OrganisationObligationsDocument, { organisation, after }, { requestPolicy: 'network-only' }).toPromise();
    return { page: answer.data?.organisations.nodes[0]?.reportingObligations ?? null, error: answer.error ?? null };
  });
  const name = found ? `${found.name} (${found.code})` : organisation;
  return (
    <section aria-labelledby="obligations-current-heading" data-testid="obligations-current">
      <Heading3 id="obligations-current-heading">{t('obligationsCurrent', { organisation: name })}</Heading3>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && !found && <Paragraph>{t('organisationNotFound', { organisation })}</Paragraph>}
      {found && paging.nodes.length === 0 && <Paragraph data-testid="obligations-empty">{t('obligationsEmpty', { organisation: name })}</Paragraph>}
      {found && paging.nodes.length > 0 && (
        <Table
          label={t('obligationsCurrent', { organisation: name })}
          testId="obligations-table"
          head={
            <>
              <Th>{t('indicator')}</Th>
              <Th>{t('jurisdictions')}</Th>
              <Th>{t('frequency')}</Th>
              <Th num>{t('dueDays')}</Th>
              <Th>{t('firstPeriod')}</Th>
              <Th>{t('lastPeriod')}</Th>
              <Th>{t('activeState')}</Th>
            </>
          }
        >
          {paging.nodes.map((o) => (
            <tr key={o.id} className="utrecht-table__row">
              <Td>{o.indicator}</Td>
              <Td>{o.jurisdictions.join(', ')}</Td>
              <Td>{tx(`frequency${o.frequency}`, o.frequency)}</Td>
              <Td num>{i18n.number(o.dueDays)}</Td>
              <Td>{i18n.period(o.firstPeriod)}</Td>
              <Td>{o.lastPeriod ? i18n.period(o.lastPeriod) : '–'}</Td>
              <Td>{o.active ? t('activeYes') : t('activeNo')}</Td>
            </tr>
          ))}
        </Table>
      )}
      <MoreButton paging={paging} />
    </section>
  );
}
