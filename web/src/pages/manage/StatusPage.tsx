import { useCallback, useEffect, useState } from 'react';
import { Alert, Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { useI18n } from '../../lib/i18n';
import { usePageTitle } from '../../lib/hooks';
import { authHeaders } from '../../lib/auth';
import { apiUrl } from '../../lib/api';
import { RequireAbility } from '../../components/Layout';
import { Loading } from '../../components/feedback';
import { Table, Td, Th } from '../../components/table';

/** GET /status (worker liveness, queue depths, the outbox backlog): administrators only. */
export interface WorkerStatus {
  workers: { alive: number; processes: { id: number | string; hostname: string; pid: number; queues: string[] | string | null; startedAt: string; lastSeenAt: string; alive: boolean; stoppedAt: string | null }[] };
  queues: Record<string, number> | null;
  queueLastConsumedAt: Record<string, string>;
  outbox: { pending: number; sent: number; running: number; failedLastHour: number; oldestUnfinishedSeconds: number | null; unrecordedFailuresHere?: number };
}

export type StatusAnswer = { kind: 'ok'; status: WorkerStatus } | { kind: 'refused'; status: number; message: string | null } | { kind: 'failed'; message: string };

export async function fetchStatus(fetcher: typeof fetch = fetch): Promise<StatusAnswer> {
  try {
    const response = await fetcher(apiUrl('/status'), { headers: { ...authHeaders(), Accept: 'application/json' }, credentials: 'same-origin' });
    const body = (await response.json().catch(() => null)) as (WorkerStatus & { error?: { message?: string; messageNl?: string } }) | null;
    if (response.status === 401 || response.status === 403) return { kind: 'refused', status: response.status, message: body?.error?.message ?? null };
    if (!response.ok || !body) return { kind: 'failed', message: body?.error?.message ?? `HTTP ${response.status}` };
    return { kind: 'ok', status: body };
  } catch (error) {
    return { kind: 'failed', message: String(error) };
  }
}

function Status() {
  const i18n = useI18n();
  const { t } = i18n;
  const [answer, setAnswer] = useState<StatusAnswer | null>(null);
  const load = useCallback(() => void fetchStatus().then(setAnswer), []);
  useEffect(load, [load]);
  if (!answer) return <Loading />;
  if (answer.kind === 'refused')
    return (
      <Alert type="warning" role="alert">
        <Paragraph>
          <strong>{t('statusRefused', { status: answer.status })}</strong>
        </Paragraph>
        <Paragraph>{t('statusRefusedText')}</Paragraph>
        {answer.message && <Paragraph className="wz-small">{answer.message}</Paragraph>}
      </Alert>
    );
  if (answer.kind === 'failed')
    return (
      <Alert type="error" role="alert">
        <Paragraph>
          <strong>{t('errorTitle')}</strong>
        </Paragraph>
        <Paragraph>{answer.message}</Paragraph>
      </Alert>
    );
  const { workers, queues, outbox, queueLastConsumedAt } = answer.status;
  return (
    <>
      <dl className="wz-figures" data-testid="worker-status">
        <div>
          <dt>{t('workersAlive')}</dt>
          <dd data-testid="workers-alive">{i18n.number(workers.alive)}</dd>
        </div>
        <div>
          <dt>{t('outboxPending')}</dt>
          <dd>{i18n.number(outbox.pending)}</dd>
        </div>
        <div>
          <dt>{t('outboxSent')}</dt>
          <dd>{i18n.number(outbox.sent)}</dd>
        </div>
        <div>
          <dt>{t('outboxRunning')}</dt>
          <dd>{i18n.number(outbox.running)}</dd>
        </div>
        <div>
          <dt>{t('outboxFailedLastHour')}</dt>
          <dd>{i18n.number(outbox.failedLastHour)}</dd>
        </div>
        <div>
          <dt>{t('outboxOldest')}</dt>
          <dd>{outbox.oldestUnfinishedSeconds == null ? '–' : `${i18n.number(outbox.oldestUnfinishedSeconds)} s`}</dd>
        </div>
      </dl>
      <button type="button" className="utrecht-button utrecht-button--secondary-action" onClick={load}>
        {t('refresh')}
      </button>
      <Heading3>{t('queues')}</Heading3>
      {queues == null ? (
        <Paragraph>{t('queuesUnknown')}</Paragraph>
      ) : (
        <Table label={t('queues')} testId="queues-table" head={<><Th>{t('queue')}</Th><Th num>{t('waiting')}</Th><Th>{t('lastConsumed')}</Th></>}>
          {Object.entries(queues).map(([name, depth]) => (
            <tr key={name} className="utrecht-table__row">
              <Td>{name}</Td>
              <Td num>{i18n.number(depth)}</Td>
              <Td>{i18n.dateTime(queueLastConsumedAt[name] ?? null)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Heading3>{t('workerProcesses')}</Heading3>
      <Table label={t('workerProcesses')} head={<><Th>{t('host')}</Th><Th num>pid</Th><Th>{t('queues')}</Th><Th>{t('startedAt')}</Th><Th>{t('lastSeenAt')}</Th><Th>{t('activeState')}</Th></>}>
        {workers.processes.map((w) => (
          <tr key={String(w.id)} className="utrecht-table__row">
            <Td small>{w.hostname}</Td>
            <Td num>{w.pid}</Td>
            <Td small>{Array.isArray(w.queues) ? w.queues.join(', ') : (w.queues ?? '–')}</Td>
            <Td>{i18n.dateTime(w.startedAt)}</Td>
            <Td>{i18n.dateTime(w.lastSeenAt)}</Td>
            <Td>{w.alive ? t('alive') : w.stoppedAt ? `${t('stoppedAt')} ${i18n.dateTime(w.stoppedAt)}` : t('notAlive')}</Td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export default function StatusPage() {
  const { t } = useI18n();
  usePageTitle(t('manageStatus'));
  return (
    <section data-testid="status-ready" aria-labelledby="status-heading">
      <Heading2 id="status-heading">{t('manageStatus')}</Heading2>
      <Paragraph>{t('statusIntro')}</Paragraph>
      <RequireAbility ability="readWorkerStatus">
        <Status />
      </RequireAbility>
    </section>
  );
}
