import { Link } from 'react-router';
import { useQuery } from 'urql';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { ErrorNotice, Loading } from '../components/feedback';

const HomeDocument = graphql(`
  query Home {
    regions(first: 100) {
      nodes {
        id
        code
        name
        regionType
        members {
          id
        }
      }
    }
    municipalities: jurisdictions(first: 100, filter: { kinds: [MUNICIPALITY] }) {
      nodes {
        id
        code
        name
        validTo
      }
    }
  }
`);

export function Home() {
  const { t } = useI18n();
  usePageTitle(null);
  const [{ data, fetching, error }] = useQuery({ query: HomeDocument });
  return (
    <div data-testid={data ? 'home-ready' : undefined}>
      <Heading1>{t('homeTitle')}</Heading1>
      <Paragraph lead>{t('homeIntro')}</Paragraph>
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      {data && (
        <div className="wz-columns">
          <section aria-labelledby="regions-heading">
            <Heading2 id="regions-heading">{t('regions')}</Heading2>
            <ul className="wz-link-list">
              {data.regions.nodes.map((r) => (
                <li key={r.id}>
                  <Link className="utrecht-link" to={`/regio/${r.code}`}>
                    {r.name}
                  </Link>{' '}
                  <span className="wz-muted">
                    ({r.members.length} {t('members')})
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="municipalities-heading">
            <Heading2 id="municipalities-heading">{t('municipalities')}</Heading2>
            <ul className="wz-link-list">
              {data.municipalities.nodes
                .filter((m) => !m.validTo)
                .map((m) => (
                  <li key={m.id}>
                    <Link className="utrecht-link" to={`/gemeente/${m.code}`}>
                      {m.name}
                    </Link>{' '}
                    <span className="wz-muted">{m.code}</span>
                  </li>
                ))}
            </ul>
          </section>
        </div>
      )}
    </div>
  );
}
