// Variables for the operations scripts/check-operations.mjs runs against the seeded reference data
// (`woonzorg seed`). An operation whose variables all have defaults needs no entry here; one
// with a required variable and no entry fails the check, so a new operation gets its entry.
// Mutations aim at ids that do not exist (their answer is a `NotFound` member of the result
// union: data, not a GraphQL error), except the upload, which is a dry run; the submission it
// makes is the one `SubmissionChanged` watches.
const id = (type, rowId) => Buffer.from(`${type}:${rowId}`).toString('base64');
const MISSING = 999999;
const LEIDEN = 'GM0546';
const HAAGLANDEN = 'rg-woningmarktregio-haaglanden';

export const variables = {
  // web app: queries
  MunicipalityPage: { code: LEIDEN },
  MunicipalityMoreMeasures: { code: LEIDEN },
  Partner: { withOrganisations: true },
  Pipeline: { code: LEIDEN, untilYear: 2030 },
  TargetPage: { id: id('Target', 1), hasAsOf: false },
  RegionDashboard: { code: HAAGLANDEN },
  RegionMembers: { code: HAAGLANDEN },
  SubmissionNow: { id: id('Submission', MISSING) },
  // web app: mutations
  ReportMeasureStatus: { measureId: id('Measure', MISSING), status: 'IN_PROGRESS', on: '2026-01-01' },
  ApproveSubmission: { id: id('Submission', MISSING) },
  ReturnSubmission: { id: id('Submission', MISSING), reason: 'contract check' },
  UploadSubmission: () => ({
    file: new File(['indicator,jurisdiction,period,value\n'], 'contract-check.csv', { type: 'text/csv' }),
    dryRun: true,
  }),
  // web app: subscriptions (run after the mutations: `found` holds what they made)
  ProgressChanged: { jurisdictionCode: LEIDEN },
  SubmissionChanged: (found) => ({ id: found.submissionId }),
};

export function variablesFor(name, found) {
  const entry = variables[name];
  return typeof entry === 'function' ? entry(found) : entry;
}
