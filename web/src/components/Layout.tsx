import { Suspense, useEffect, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { PageContent, PageFooter, PageHeader, Paragraph } from '@utrecht/component-library-react';
import { useI18n } from '../lib/i18n';
import { can, manageAbilities, signOut, useSession, type Ability } from '../lib/auth';
import { Loading } from './feedback';

interface NavItem {
  to: string;
  label: string;
  ability?: Ability;
  /** Shown when the role has any of these (a section of several pages). */
  anyOf?: Ability[];
}

export function Layout() {
  const { t, locale, setLocale, tx } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  // Move focus to the main heading area after navigation, for screen-reader users.
  useEffect(() => {
    const main = document.getElementById('main');
    if (main && location.key !== 'default') main.focus({ preventScroll: true });
  }, [location.pathname, location.key]);
  const items: NavItem[] = [
    { to: '/', label: t('navHome') },
    { to: '/maatregelen', label: t('navMeasures') },
    { to: '/pijplijn', label: t('navPipeline') },
    { to: '/aanleveren', label: t('navPartner'), ability: 'submit' },
    { to: '/beoordelen', label: t('navTaskforce'), ability: 'review' },
    { to: '/projecten', label: t('navProjects'), ability: 'editProjects' },
    { to: '/beheer', label: t('navAdmin'), anyOf: manageAbilities },
  ];
  return (
    <div className="wz-page">
      <a href="#main" className="utrecht-skip-link utrecht-skip-link--visible-on-focus">
        {t('skipToContent')}
      </a>
      <PageHeader className="wz-header">
        <div className="wz-header__bar">
          <NavLink to="/" className="wz-brand">
            {t('appName')}
          </NavLink>
          <div className="wz-header__tools">
            {session ? (
              <>
                <NavLink to="/account" className="utrecht-link">
                  {t('navAccount')} ({tx(`role${session.role ?? 'unknown'}`)})
                </NavLink>
                <button
                  type="button"
                  className="utrecht-button utrecht-button--secondary-action"
                  onClick={() => {
                    signOut();
                    navigate('/');
                  }}
                >
                  {t('navSignOut')}
                </button>
              </>
            ) : (
              <NavLink to="/inloggen" className="utrecht-link">
                {t('navSignIn')}
              </NavLink>
            )}
            <button
              type="button"
              className="utrecht-button utrecht-button--subtle"
              lang={locale === 'nl' ? 'en' : 'nl'}
              aria-label={t('switchLanguageLabel')}
              onClick={() => setLocale(locale === 'nl' ? 'en' : 'nl')}
            >
              {t('switchLanguage')}
            </button>
          </div>
        </div>
        <nav aria-label={t('mainNav')} className="wz-nav">
          <ul>
            {items
              .filter((item) => (!item.ability || can(session, item.ability)) && (!item.anyOf || item.anyOf.some((a) => can(session, a))))
              .map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === '/'} className={({ isActive }) => (isActive ? 'wz-nav__link wz-nav__link--current' : 'wz-nav__link')}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
      </PageHeader>
      <main id="main" tabIndex={-1} className="wz-main">
        <PageContent>
          {!session && <Paragraph className="wz-muted">{t('publicRead')}</Paragraph>}
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </PageContent>
      </main>
      <PageFooter className="wz-footer">
        <Paragraph>
          {t('footerText')} <a href="/graphql" className="utrecht-link">{t('graphiqlLink')}</a>
        </Paragraph>
      </PageFooter>
    </div>
  );
}

/** Shows its children only to roles with the ability; others get an explanation, not the page. */
export function RequireAbility({ ability, children }: { ability: Ability; children: ReactNode }) {
  const session = useSession();
  const { t } = useI18n();
  if (!can(session, ability)) {
    return (
      <Paragraph>
        {t('notAllowedPage')} {!session && <NavLink to="/inloggen">{t('navSignIn')}</NavLink>}
      </Paragraph>
    );
  }
  return <>{children}</>;
}
