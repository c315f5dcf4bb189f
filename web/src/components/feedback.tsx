import { Alert, Paragraph } from '@utrecht/component-library-react';
import type { CombinedError } from 'urql';
import { Link } from 'react-router';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/auth';

/** A refusal or failure from the API, shown as it came (never swallowed). */
export function ErrorNotice({ error }: { error: CombinedError | Error | string | null | undefined }) {
  const { t } = useI18n();
  const session = useSession();
  if (!error) return null;
  const messages: string[] =
    typeof error === 'string'
      ? [error]
      : 'graphQLErrors' in error && (error.graphQLErrors.length || error.networkError)
        ? [...error.graphQLErrors.map((e) => e.message), ...(error.networkError ? [error.networkError.message] : [])]
        : [error.message];
  const needsSignIn = !session && messages.some((m) => /sign in|token|unauthenticated|401/i.test(m));
  return (
    <Alert type="error" role="alert">
      <Paragraph>
        <strong>{t('errorTitle')}</strong>
      </Paragraph>
      <ul>
        {messages.map((m, i) => (
          <li key={i}>{m}</li>
        ))}
      </ul>
      {needsSignIn && (
        <Paragraph>
          <Link to="/inloggen">{t('errorSignIn')}</Link>
        </Paragraph>
      )}
    </Alert>
  );
}

/** An expected refusal returned as data (NotAllowed, NotFound, InvalidInput, InvalidState, RateLimited). */
export type Refusal = { __typename?: string; message: string; messageNl?: string | null; code?: string | null; field?: string | null };

export function RefusalNotice({ refusal }: { refusal: Refusal | null | undefined }) {
  const { locale, t } = useI18n();
  if (!refusal) return null;
  const text = locale === 'nl' && refusal.messageNl ? refusal.messageNl : refusal.message;
  return (
    <Alert type="error" role="alert">
      <Paragraph>
        <strong>{t('errorTitle')}</strong> ({refusal.__typename}
        {refusal.code ? `: ${refusal.code}` : ''})
      </Paragraph>
      <Paragraph>{text}</Paragraph>
    </Alert>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="wz-loading" role="status" aria-live="polite">
      {t('loading')}
    </p>
  );
}

export function NotFoundNotice() {
  const { t } = useI18n();
  return (
    <Alert type="warning">
      <Paragraph>
        <strong>{t('notFound')}</strong>
      </Paragraph>
      <Paragraph>{t('notFoundText')}</Paragraph>
    </Alert>
  );
}
