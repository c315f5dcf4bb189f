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
  SubmissionErrors: { id: id('Submission', MISSING), first: 50 },
  ReportingCalendar: { withOrganisations: true },
  OrganisationScope: { organisation: 'gem-leiden' },
  OrganisationObligations: { organisation: 'gem-leiden' },
  People: { withOrganisations: true },
  Tokens: { withOrganisations: true },
  Webhooks: { withOrganisations: true },
  Projects: { withOrganisations: true },
  // web app: mutations
  ReportMeasureStatus: { measureId: id('Measure', MISSING), status: 'IN_PROGRESS', on: '2026-01-01' },
  ApproveSubmission: { id: id('Submission', MISSING) },
  ReturnSubmission: { id: id('Submission', MISSING), reason: 'contract check' },
  // the management pages' mutations: each aims at an organisation, user, token, subscription or
  // project that does not exist (NotFound), or is refused as invalid (an existing code, plain http)
  CreateOrganisation: { code: 'gem-leiden', name: 'contract check', kind: 'OTHER', trustedSource: false },
  UpdateOrganisation: { code: 'contract-check-missing' },
  GrantScope: { organisation: 'contract-check-missing', jurisdictions: [LEIDEN] },
  RevokeScope: { organisation: 'contract-check-missing', jurisdictions: [LEIDEN] },
  SetReportingObligation: { organisation: 'contract-check-missing', indicator: 'dwellings-added', jurisdictions: [LEIDEN], frequency: 'YEARLY', dueDays: 90, firstPeriod: '2026', active: true },
  InviteUser: { email: 'contract-check@example.nl', name: 'contract check', organisation: 'contract-check-missing', role: 'VIEWER' },
  UpdateUser: { email: 'contract-check-missing@example.nl' },
  CreateToken: { name: 'contract check', role: 'VIEWER', organisation: 'contract-check-missing' },
  RevokeToken: { prefix: 'NoSuchPref' },
  SubscribeWebhook: { url: 'http://contract-check.example.nl/hook', events: ['REMINDER'] },
  UnsubscribeWebhook: { id: id('WebhookSubscription', MISSING) },
  CreateProject: { input: { name: 'contract check', municipality: 'GM9999', owner: 'contract-check-missing' } },
  UpdateProject: { id: id('Project', MISSING), input: { name: 'contract check', municipality: LEIDEN } },
  MoveProjectPhase: { id: id('Project', MISSING), phase: 'PLAN', on: '2026-01-01' },
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
