import { Heading1 } from '@utrecht/component-library-react';
import { NotFoundNotice } from '../components/feedback';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';

export default function NotFoundPage() {
  const { t } = useI18n();
  usePageTitle(t('notFound'));
  return (
    <>
      <Heading1>{t('notFound')}</Heading1>
      <NotFoundNotice />
    </>
  );
}
