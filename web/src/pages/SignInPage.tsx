import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { SignInError, signIn, signInWithPassword } from '../lib/auth';
import { ErrorNotice } from '../components/feedback';

export default function SignInPage() {
  const { t } = useI18n();
  usePageTitle(t('signInTitle'));
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [passwordProblem, setPasswordProblem] = useState<string | null>(null);
  const [passwordBusy, setPasswordBusy] = useState(false);
  return (
    <div data-testid="signin-ready">
      <Heading1>{t('signInTitle')}</Heading1>
      <Paragraph>{t('signInIntro')}</Paragraph>
      <Heading2 id="signin-password">{t('signInPasswordHeading')}</Heading2>
      <form
        className="wz-form"
        onSubmit={(e) => {
          e.preventDefault();
          setPasswordBusy(true);
          setPasswordProblem(null);
          signInWithPassword(email, password)
            .then(() => navigate('/account'))
            .catch((error: unknown) => {
              if (error instanceof SignInError && error.reason === 'refused') setPasswordProblem(t('passwordRefused'));
              else if (error instanceof SignInError && error.reason === 'tooMany') setPasswordProblem(t('tooManyAttempts'));
              else setPasswordProblem(String(error));
            })
            .finally(() => setPasswordBusy(false));
        }}
      >
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor="email">
            {t('email')}
          </label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            className="utrecht-textbox utrecht-textbox--html-input wz-wide"
            value={email}
            aria-invalid={!!passwordProblem}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </div>
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor="password">
            {t('password')}
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            className="utrecht-textbox utrecht-textbox--html-input wz-wide"
            value={password}
            aria-invalid={!!passwordProblem}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </div>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={passwordBusy} aria-busy={passwordBusy}>
          {t('signInWithPassword')}
        </button>
      </form>
      <ErrorNotice error={passwordProblem} />
      <Heading2 id="signin-token">{t('signInTokenHeading')}</Heading2>
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
