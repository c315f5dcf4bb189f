import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider, type Client } from 'urql';
import { fromValue, makeSubject, never, pipe, map } from 'wonka';
import type { ReactNode } from 'react';
import { visit } from 'graphql';
import { TaskforceDocument } from '../gql/graphql';
import { I18nProvider } from '../lib/i18n';
import { can, setSession, signOut, type Role } from '../lib/auth';
import type { SubmissionRow } from '../components/submissions';
import { Workspace as ReviewWorkspace, reviewCards } from './TaskforcePage';
import { byDueMonth } from './manage/CalendarPage';
import { grantableRoles } from './manage/PeoplePage';
import { fetchStatus } from './manage/StatusPage';
import { projectInput } from './ProjectsPage';
import { sections } from './manage/ManageLayout';

const wrap = (ui: ReactNode, client?: Client) =>
  render(
    <I18nProvider locale="nl">
      <MemoryRouter>{client ? <Provider value={client}>{ui}</Provider> : ui}</MemoryRouter>
    </I18nProvider>,
  );

const submission = (id: string, over: Partial<SubmissionRow> = {}): SubmissionRow => ({
  __typename: 'Submission',
  id,
  status: 'VALIDATED',
  channel: 'UPLOAD',
  filename: `${id}.csv`,
  dryRun: false,
  rowCount: 1,
  errorCount: 0,
  receivedAt: `2026-11-0${id.length}T10:00:00Z`,
  validatedAt: null,
  decidedAt: null,
  decisionReason: null,
  appliedAt: null,
  organisation: { __typename: 'Organisation', id: 'o1', code: 'gem-leiden', name: 'Gemeente Leiden' },
  ...over,
}) as SubmissionRow;

describe('the review queue', () => {
  it('asks the queued submissions for their error count only, not their errors', () => {
    const fields: string[] = [];
    visit(TaskforceDocument, { Field: (node) => void fields.push(node.name.value) });
    expect(fields).toContain('errorCount');
    expect(fields).not.toContain('errors');
  });

  it('keeps a decided card, with its newest state, after the queue dropped it', () => {
    const a = submission('a');
    const bb = submission('bb');
    const kept = { a: { kind: 'approved' as const, row: { ...a, status: 'APPROVED' as const } } };
    const cards = reviewCards([bb], kept, [{ ...a, status: 'APPLIED' as const }]);
    expect(cards.map((c) => [c.row.id, c.decision, c.row.status])).toEqual([
      ['bb', null, 'VALIDATED'],
      ['a', 'approved', 'APPLIED'],
    ]);
  });

  it('shows the confirmation until it is closed, also when the refreshed queue no longer holds the submission', async () => {
    const queue = makeSubject<{ data: unknown }>();
    const answer = (nodes: SubmissionRow[]) => ({ data: { queue: { __typename: 'SubmissionConnection', totalCount: nodes.length, nodes }, decided: { __typename: 'SubmissionConnection', nodes: [] } } });
    const client = {
      executeQuery: () => pipe(queue.source, map((r) => ({ ...r, stale: false, hasNext: false, operation: {} }))),
      executeSubscription: () => never,
      executeMutation: () =>
        fromValue({
          data: { approveSubmission: { __typename: 'SubmissionDecided', submission: { ...submission('a'), status: 'APPROVED' } } },
          stale: false,
          hasNext: false,
          operation: {},
        }),
      query: () => ({ toPromise: () => Promise.resolve({}) }),
    } as unknown as Client;
    wrap(<ReviewWorkspace />, client);
    act(() => queue.next(answer([submission('a')])));
    const card = screen.getByText('a.csv', { exact: false }).closest('li')!;
    await act(async () => fireEvent.click(within(card).getByRole('button', { name: 'Goedkeuren' })));
    // the queue is asked again and no longer holds it
    act(() => queue.next(answer([])));
    const confirmation = screen.getByTestId('review-confirmation');
    expect(confirmation).toHaveTextContent('Goedgekeurd.');
    expect(within(confirmation).getByTestId('submission-status')).toHaveTextContent('Goedgekeurd');
    fireEvent.click(within(confirmation).getByRole('button', { name: 'Sluiten' }));
    expect(screen.queryByTestId('review-confirmation')).toBeNull();
    expect(screen.getByText('Er wacht niets op beoordeling.')).toBeInTheDocument();
  });
});

describe('the management pages', () => {
  afterEach(() => signOut());

  it.each([
    ['admin', ['kalender', 'organisaties', 'bereik', 'verplichtingen', 'mensen', 'tokens', 'webhooks', 'status', 'logboek']],
    ['taskforce', ['kalender', 'verplichtingen', 'mensen', 'tokens', 'webhooks']],
    ['partner', ['kalender', 'mensen', 'tokens', 'webhooks']],
    ['viewer', []],
  ] as const)('offer a %s only the sections the API lets it use', (role, expected) => {
    const session = { token: 'wz_x', prefix: 'x', role: role as Role, organisation: 'gem-leiden' };
    expect(sections.filter((s) => can(session, s.ability)).map((s) => s.path)).toEqual(expected);
  });

  it('let a person hand out only their own role or viewer (administrators any)', () => {
    expect(grantableRoles({ token: null, prefix: '', role: 'partner', organisation: 'gem-leiden' })).toEqual(['PARTNER', 'VIEWER']);
    expect(grantableRoles({ token: null, prefix: '', role: 'admin', organisation: 'x' })).toEqual(['ADMIN', 'TASKFORCE', 'PARTNER', 'VIEWER']);
    expect(grantableRoles(null)).toEqual(['VIEWER']);
  });

  it('group the missing reports by the month they were due, oldest first', () => {
    const m = (dueOn: string) => ({ dueOn }) as Parameters<typeof byDueMonth>[0][number];
    expect(byDueMonth([m('2026-05-30'), m('2026-02-14'), m('2026-05-01')]).map(([month, rows]) => [month, rows.length])).toEqual([
      ['2026-02', 1],
      ['2026-05', 2],
    ]);
  });

  it('send a project without its empty unit lines, and empty texts as null', () => {
    expect(projectInput({ name: ' Hofje ', municipality: 'GM0546', location: '', expectedCompletion: '', notes: '', units: [{ units: '24', housingType: 'geclusterde-woning', targetGroup: '' }, { units: '', housingType: '', targetGroup: '' }] })).toEqual({
      name: 'Hofje',
      municipality: 'GM0546',
      location: null,
      expectedCompletion: null,
      notes: null,
      units: [{ units: 24, housingType: 'geclusterde-woning', targetGroup: null }],
    });
  });

  it('explain a refused worker status instead of failing', async () => {
    setSession({ token: null, via: 'cookie', csrf: 'c', prefix: '', role: 'admin', organisation: 'holland-rijnland' });
    const refused = (async () => new Response(JSON.stringify({ error: { code: 'forbidden', message: '/status needs an administrator\'s token' } }), { status: 403 })) as typeof fetch;
    expect(await fetchStatus(refused)).toEqual({ kind: 'refused', status: 403, message: "/status needs an administrator's token" });
    const ok = (async () => new Response(JSON.stringify({ workers: { alive: 1, processes: [] }, queues: {}, queueLastConsumedAt: {}, outbox: { pending: 0, sent: 0, running: 0, failedLastHour: 0, oldestUnfinishedSeconds: null } }), { status: 200 })) as typeof fetch;
    expect((await fetchStatus(ok)).kind).toBe('ok');
  });
});
