import { Link, useNavigate } from 'react-router';
import { Heading1, Paragraph } from '@utrecht/component-library-react';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { signOut, useSession } from '../lib/auth';

export default function AccountPage() {
  const { t, tx } = useI18n();
  usePageTitle(t('accountTitle'));
  const session = useSession();
  const navigate = useNavigate();
  if (!session) {
    return (
      <>
        <Heading1>{t('accountTitle')}</Heading1>
        <Paragraph>
          <Link to="/inloggen" className="utrecht-link">
            {t('navSignIn')}
          </Link>
        </Paragraph>
      </>
    );
  }
  return (
    <div data-testid="account-ready">
      <Heading1>{t('accountTitle')}</Heading1>
      <dl className="wz-dl">
        <div>
          <dt>{t('role')}</dt>
          <dd data-testid="account-role">{tx(`role${session.role ?? 'unknown'}`)}</dd>
        </div>
        <div>
          <dt>{t('organisation')}</dt>
          <dd>{session.organisation ?? '–'}</dd>
        </div>
        {session.token ? (
          <div>
            <dt>{t('tokenPrefix')}</dt>
            <dd>
              <code>wz_{session.prefix}_…</code>
            </dd>
          </div>
        ) : (
          <div>
            <dt>{t('email')}</dt>
            <dd data-testid="account-email">{session.email ?? '–'}</dd>
          </div>
        )}
      </dl>
      <Paragraph className="wz-muted">{t('accountNote')}</Paragraph>
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
    </div>
  );
}
