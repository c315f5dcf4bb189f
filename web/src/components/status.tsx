import { useI18n } from '../lib/i18n';

/** Status colours: each has ≥ 4.5:1 contrast with white text; the label always shows too. */
export const statusColours: Record<string, string> = {
  ACHIEVED: '#0b6e4f',
  ON_TRACK: '#2f7d1f',
  AT_RISK: '#a04f00',
  OFF_TRACK: '#b3261e',
  NO_DATA: '#5c6670',
  WITHIN: '#0b5394',
  EXCEEDED: '#7b1fa2',
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const { tx } = useI18n();
  if (!status) return <span>–</span>;
  return (
    <span className="wz-status" style={{ background: statusColours[status] ?? '#5c6670' }} data-status={status}>
      {tx(`status${status}`, status)}
    </span>
  );
}

const measureColours: Record<string, string> = {
  PLANNED: '#5c6670',
  IN_PROGRESS: '#0b5394',
  DONE: '#0b6e4f',
  DELAYED: '#a04f00',
  CANCELLED: '#3d3d3d',
};

export function MeasureStatusBadge({ status }: { status: string }) {
  const { tx } = useI18n();
  return (
    <span className="wz-status" style={{ background: measureColours[status] ?? '#5c6670' }}>
      {tx(`measureStatus${status}`, status)}
    </span>
  );
}

const submissionColours: Record<string, string> = {
  RECEIVED: '#5c6670',
  VALIDATING: '#0b5394',
  REJECTED: '#b3261e',
  VALIDATED: '#a04f00',
  APPROVED: '#2f7d1f',
  RETURNED: '#7b1fa2',
  APPLIED: '#0b6e4f',
};

export function SubmissionStatusBadge({ status }: { status: string }) {
  const { tx } = useI18n();
  return (
    <span className="wz-status" style={{ background: submissionColours[status] ?? '#5c6670' }} data-testid="submission-status">
      {tx(`subStatus${status}`, status)}
    </span>
  );
}
