import { Navigate, NavLink, Outlet } from 'react-router';
import { Heading1, Paragraph } from '@utrecht/component-library-react';
import { can, useSession, type Ability } from '../../lib/auth';
import { useI18n } from '../../lib/i18n';
import type { MessageKey } from '../../lib/messages';

/** The management pages, each for the roles that may use it (the API checks again). */
export const sections: { path: string; label: MessageKey; ability: Ability }[] = [
  { path: 'kalender', label: 'manageCalendar', ability: 'readMissingReports' },
  { path: 'organisaties', label: 'manageOrganisations', ability: 'manageOrganisations' },
  { path: 'bereik', label: 'manageScopes', ability: 'manageScopes' },
  { path: 'verplichtingen', label: 'manageObligations', ability: 'manageObligations' },
  { path: 'mensen', label: 'managePeople', ability: 'managePeople' },
  { path: 'tokens', label: 'manageTokens', ability: 'manageTokens' },
  { path: 'webhooks', label: 'manageWebhooks', ability: 'manageWebhooks' },
  { path: 'status', label: 'manageStatus', ability: 'readWorkerStatus' },
  { path: 'logboek', label: 'manageAudit', ability: 'administer' },
];

export default function ManageLayout() {
  const { t } = useI18n();
  const session = useSession();
  const mine = sections.filter((s) => can(session, s.ability));
  return (
    <div className="wz-manage">
      <Heading1>{t('adminTitle')}</Heading1>
      {mine.length === 0 ? (
        <Paragraph>{t('notAllowedPage')}</Paragraph>
      ) : (
        <nav aria-label={t('manageNav')} className="wz-subnav">
          <ul>
            {mine.map((s) => (
              <li key={s.path}>
                <NavLink to={`/beheer/${s.path}`} className={({ isActive }) => (isActive ? 'wz-subnav__link wz-subnav__link--current' : 'wz-subnav__link')}>
                  {t(s.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Outlet />
    </div>
  );
}

/** /beheer: the first management page this role may use. */
export function ManageIndex() {
  const session = useSession();
  const first = sections.find((s) => can(session, s.ability));
  return first ? <Navigate to={`/beheer/${first.path}`} replace /> : null;
}
