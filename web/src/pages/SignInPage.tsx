import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Heading1, Paragraph } from '@utrecht/component-library-react';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { SignInError, signIn } from '../lib/auth';
import { ErrorNotice } from '../components/feedback';

export default function SignInPage() {
  const { t } = useI18n();
  usePageTitle(t('signInTitle'));
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div data-testid="signin-ready">
      <Heading1>{t('signInTitle')}</Heading1>
      <Paragraph>{t('signInIntro')}</Paragraph>
      <form
        className="wz-form"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setProblem(null);
          signIn(token)
            .then(() => navigate('/account'))
            .catch((error: unknown) => {
              if (error instanceof SignInError && error.reason === 'format') setProblem(t('tokenInvalidFormat'));
              else if (error instanceof SignInError && error.reason === 'refused') setProblem(t('tokenRefused'));
              else setProblem(String(error));
            })
            .finally(() => setBusy(false));
        }}
      >
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor="token">
            {t('token')}
          </label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            className="utrecht-textbox utrecht-textbox--html-input wz-wide"
            value={token}
            aria-invalid={!!problem}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </div>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={busy} aria-busy={busy}>
          {t('signIn')}
        </button>
      </form>
      <ErrorNotice error={problem} />
    </div>
  );
}
