import { useCallback, useRef, useState, type DragEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Heading1, Heading2, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { authHeaders, can, useSession } from '../lib/auth';
import { apiUrl } from '../lib/api';
import { RequireAbility } from '../components/Layout';
import { ErrorNotice, Loading, RefusalNotice, type Refusal } from '../components/feedback';
import { SubmissionErrors, SubmissionsTable, SubmissionWatcher, isFinal, type SubmissionRow } from '../components/submissions';

const PartnerDocument = graphql(`
  query Partner($filter: SubmissionFilter, $withOrganisations: Boolean!) {
    submissions(filter: $filter, first: 20) {
      totalCount
      nodes {
        ...SubmissionFields
      }
    }
    organisations(first: 100) @include(if: $withOrganisations) {
      nodes {
        id
        code
        name
        trustedSource
      }
    }
  }
`);

const UploadDocument = graphql(`
  mutation UploadSubmission($file: Upload!, $organisation: String, $dryRun: Boolean!, $correctionReason: String) {
    uploadSubmission(file: $file, organisation: $organisation, dryRun: $dryRun, correctionReason: $correctionReason) {
      __typename
      ... on SubmissionReceived {
        created
        submission {
          ...SubmissionFields
        }
      }
      ... on NotAllowed {
        message
        code
        messageNl
      }
      ... on InvalidInput {
        message
        code
        messageNl
        field
      }
      ... on RateLimited {
        message
      }
    }
  }
`);

const ACCEPT = '.csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function downloadTemplate(organisation: string, format: 'csv' | 'xlsx', period: string): Promise<string | null> {
  const query = new URLSearchParams({ format, period });
  if (organisation) query.set('organisation', organisation);
  const response = await fetch(apiUrl(`/submissions/template?${query}`), { headers: authHeaders(), credentials: 'same-origin' });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    return body?.error?.message ?? `HTTP ${response.status}`;
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `template.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return null;
}

function PartnerWorkspace() {
  const { t } = useI18n();
  const session = useSession();
  const anyOrganisation = can(session, 'submitForAnyOrganisation');
  const [organisation, setOrganisation] = useState(anyOrganisation ? '' : (session?.organisation ?? ''));
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [reason, setReason] = useState('');
  const [dragging, setDragging] = useState(false);
  const [period, setPeriod] = useState(String(new Date().getFullYear() - 1));
  const [templateError, setTemplateError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const [{ data, fetching, error }] = useQuery({
    query: PartnerDocument,
    variables: { filter: organisation ? { organisation } : null, withOrganisations: anyOrganisation },
  });
  const [upload, sendUpload] = useMutation(UploadDocument);
  const outcome = upload.data?.uploadSubmission;
  const refusal = outcome && outcome.__typename !== 'SubmissionReceived' ? (outcome as Refusal) : null;
  const received = outcome?.__typename === 'SubmissionReceived' ? outcome : null;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  };
  const submit = () => {
    if (!file) return;
    void sendUpload({ file, organisation: organisation || null, dryRun, correctionReason: reason || null });
  };
  const onEvent = useCallback(() => undefined, []);

  const submissions: SubmissionRow[] = data?.submissions.nodes ?? [];
  const shown = submissions.find((s) => s.id === (selected ?? received?.submission.id)) ?? (received ? received.submission : null);
  return (
    <>
      {submissions.filter((s) => !isFinal(s)).map((s) => (
        <SubmissionWatcher key={s.id} id={s.id} onEvent={onEvent} />
      ))}
      {received && !submissions.some((s) => s.id === received.submission.id) && !isFinal(received.submission) && (
        <SubmissionWatcher id={received.submission.id} onEvent={onEvent} />
      )}
      <form
        className="wz-upload"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {anyOrganisation ? (
          <div className="utrecht-form-field">
            <label className="utrecht-form-label" htmlFor="organisation">
              {t('organisation')}
            </label>
            <select id="organisation" className="utrecht-select utrecht-select--html-select wz-select" value={organisation} onChange={(e) => setOrganisation(e.target.value)}>
              <option value="">—</option>
              {data?.organisations?.nodes.map((o) => (
                <option key={o.id} value={o.code}>
                  {o.name} ({o.code})
                </option>
              ))}
            </select>
          </div>
        ) : (
          <Paragraph>
            {t('organisation')}: <strong>{session?.organisation ?? '–'}</strong>
          </Paragraph>
        )}
        <div
          className={dragging ? 'wz-dropzone wz-dropzone--active' : 'wz-dropzone'}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="dropzone"
        >
          <p>{t('dropzone')}</p>
          <label className="utrecht-button utrecht-button--secondary-action" htmlFor="file-input">
            {t('chooseFile')}
          </label>
          <input
            ref={input}
            id="file-input"
            type="file"
            accept={ACCEPT}
            className="wz-visually-hidden"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          {file && (
            <p className="wz-file" aria-live="polite">
              <strong>{file.name}</strong> ({Math.ceil(file.size / 1024)} kB)
            </p>
          )}
        </div>
        <div className="utrecht-form-field utrecht-form-field--checkbox">
          <input id="dry-run" type="checkbox" className="utrecht-checkbox utrecht-checkbox--html-input" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />
          <label className="utrecht-form-label utrecht-form-label--checkbox" htmlFor="dry-run">
            {t('dryRun')}
          </label>
        </div>
        <div className="utrecht-form-field">
          <label className="utrecht-form-label" htmlFor="correction-reason">
            {t('correctionReason')}
          </label>
          <input id="correction-reason" className="utrecht-textbox utrecht-textbox--html-input" value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={!file || upload.fetching} aria-busy={upload.fetching}>
          {upload.fetching ? t('sending') : t('send')}
        </button>
      </form>
      <ErrorNotice error={upload.error} />
      <RefusalNotice refusal={refusal} />
      {received && (
        <p role="status" className="wz-notice">
          {received.created ? t('received') : t('receivedBefore')}
        </p>
      )}

      <section aria-labelledby="template-heading">
        <Heading2 id="template-heading">{t('template')}</Heading2>
        <div className="wz-inline-form">
          <div className="utrecht-form-field">
            <label className="utrecht-form-label" htmlFor="template-period">
              {t('templatePeriod')}
            </label>
            <input id="template-period" className="utrecht-textbox utrecht-textbox--html-input wz-short" value={period} onChange={(e) => setPeriod(e.target.value)} />
          </div>
          {(['csv', 'xlsx'] as const).map((format) => (
            <button
              key={format}
              type="button"
              className="utrecht-button utrecht-button--secondary-action"
              onClick={() => void downloadTemplate(organisation, format, period).then(setTemplateError)}
            >
              {format === 'csv' ? t('templateCsv') : t('templateXlsx')}
            </button>
          ))}
        </div>
        <ErrorNotice error={templateError} />
      </section>

      <section aria-labelledby="mine-heading">
        <Heading2 id="mine-heading">{t('mySubmissions')}</Heading2>
        <ErrorNotice error={error} />
        {fetching && !data && <Loading />}
        {data && submissions.length === 0 && <Paragraph>{t('noSubmissions')}</Paragraph>}
        {submissions.length > 0 && <SubmissionsTable submissions={submissions} caption={t('mySubmissions')} />}
        {submissions.some((s) => s.errorCount > 0) && (
          <div className="utrecht-form-field">
            <label className="utrecht-form-label" htmlFor="show-errors">
              {t('showErrors')}
            </label>
            <select id="show-errors" className="utrecht-select utrecht-select--html-select wz-select" value={shown?.id ?? ''} onChange={(e) => setSelected(e.target.value)}>
              {submissions
                .filter((s) => s.errorCount > 0)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.filename ?? s.id} ({s.errorCount})
                  </option>
                ))}
            </select>
          </div>
        )}
        {shown && <SubmissionErrors submission={shown} />}
      </section>
    </>
  );
}

export default function PartnerPage() {
  const { t } = useI18n();
  usePageTitle(t('partnerTitle'));
  return (
    <div data-testid="partner-ready">
      <Heading1>{t('partnerTitle')}</Heading1>
      <Paragraph>{t('partnerIntro')}</Paragraph>
      <RequireAbility ability="submit">
        <PartnerWorkspace />
      </RequireAbility>
    </div>
  );
}
