import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import type { ReactNode } from 'react';
import { I18nProvider } from '../lib/i18n';
import { TargetTable, headlineSnapshots, type TargetRow } from './TargetTable';
import { ERRORS_PAGE, ErrorsOnRequest, ErrorsTable, SubmissionErrors, type SubmissionErrorRow, type SubmissionRow } from './submissions';
import { RefusalNotice } from './feedback';
import { seriesFor } from '../pages/MunicipalityPage';

const wrap = (ui: ReactNode, locale: 'nl' | 'en' = 'nl', client?: Client) =>
  render(
    <I18nProvider locale={locale}>
      <MemoryRouter>{client ? <Provider value={client}>{ui}</Provider> : ui}</MemoryRouter>
    </I18nProvider>,
  );

const snapshot = (over: Partial<TargetRow['progress'][number]>): TargetRow['progress'][number] => ({
  id: `p-${Math.random()}`,
  basis: 'OWN',
  period: null,
  status: 'OFF_TRACK',
  realised: 1080,
  percentOfTarget: 138.5,
  expectedByNow: 500,
  gap: -300,
  forecastTrend: 1500,
  forecastPipeline: 1600,
  ...over,
});

const target = (over: Partial<TargetRow> = {}): TargetRow => ({
  id: 'VGFyZ2V0OjE=',
  code: 'doc-ouderen-geclusterd',
  kind: 'MINIMUM',
  value: 780,
  valueLow: null,
  valueHigh: null,
  isRange: false,
  deadline: '2030',
  recurrence: 'NONE',
  priceSegment: null,
  indicator: { id: 'i1', code: 'dwellings-added', nameNl: 'Toegevoegde woningen', nameEn: 'Dwellings added', unit: 'dwellings', kind: 'FLOW' },
  targetGroup: { id: 'g1', code: 'ouderen', nameNl: 'Ouderen', nameEn: 'Older people' },
  housingType: null,
  progress: [snapshot({}), snapshot({ period: '2025', status: 'ACHIEVED' })],
  ...over,
});

describe('TargetTable', () => {
  it('shows the headline progress in Dutch formats, percent not capped, status as words', () => {
    wrap(<TargetTable targets={[target()]} />);
    expect(screen.getByRole('heading', { name: /Toegevoegde woningen/ })).toBeInTheDocument();
    const row = screen.getByRole('row', { name: /Ouderen/ });
    expect(within(row).getByText('1.080')).toBeInTheDocument();
    expect(within(row).getByText('138,5 %')).toBeInTheDocument();
    expect(within(row).getByText('Achter')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Ouderen' })).toHaveAttribute('href', '/doel/VGFyZ2V0OjE%3D');
  });

  it('shows a cap as within or exceeded', () => {
    wrap(<TargetTable targets={[target({ kind: 'MAXIMUM', progress: [snapshot({ status: 'EXCEEDED' })] })]} />);
    expect(screen.getByText('Plafond overschreden')).toBeInTheDocument();
  });

  it('speaks English after the switch', () => {
    wrap(<TargetTable targets={[target()]} />, 'en');
    expect(screen.getByText('Off track')).toBeInTheDocument();
    expect(screen.getByText('138.5%')).toBeInTheDocument();
  });

  it('takes the window snapshots as the headline, own figures first', () => {
    const rows = headlineSnapshots({ progress: [snapshot({ basis: 'MEMBERS_SUM' }), snapshot({ period: '2025' }), snapshot({ basis: 'OWN' })] });
    expect(rows.map((r) => r.basis)).toEqual(['OWN', 'MEMBERS_SUM']);
  });
});

describe('ErrorsTable', () => {
  it('lists every error with row, column, value and the Dutch message', () => {
    const errors: SubmissionErrorRow[] = [
      { rowNumber: 2, column: 'Periode', value: '2025-Q9', code: 'malformed_period', messageEn: 'Malformed period', messageNl: 'Onjuiste periode' },
      { rowNumber: null, column: null, value: null, code: 'empty_file', messageEn: 'Empty', messageNl: 'Leeg bestand' },
    ];
    wrap(<ErrorsTable submission={{ id: 's1', filename: 'fout.csv' }} errors={errors} />);
    const rows = screen.getAllByRole('row');
    expect(within(rows[1]!).getByText('2')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Periode')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('2025-Q9')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Onjuiste periode')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('hele bestand')).toBeInTheDocument();
  });
});

describe("a submission's errors", () => {
  const error = (row: number | null): SubmissionErrorRow => ({ rowNumber: row, column: 'Waarde', value: `v${row}`, code: 'not_a_number', messageEn: 'Not a number', messageNl: `Geen getal in rij ${row}` });
  const page = (nodes: SubmissionErrorRow[], totalCount: number, endCursor: string, hasNextPage: boolean) => ({
    submission: { __typename: 'Submission', id: 's1', errors: { __typename: 'SubmissionErrorConnection', totalCount, pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor }, nodes } },
  });
  const rejected = (errorCount: number) => ({ id: 's1', filename: 'fout.csv', errorCount }) as unknown as SubmissionRow;

  /** A client whose query answers the first page and `query()` the pages after a cursor. */
  const pagingClient = (pages: Record<string, ReturnType<typeof page>>) => {
    const asked: { first: number; after: string | null }[] = [];
    const client = {
      executeQuery: (request: { variables: { first: number; after?: string | null } }) => {
        asked.push({ first: request.variables.first, after: request.variables.after ?? null });
        return fromValue({ data: pages['start'], stale: false, hasNext: false, operation: request });
      },
      executeSubscription: () => fromValue({}),
      executeMutation: () => fromValue({}),
      query: (_document: unknown, variables: { first: number; after: string | null }) => {
        asked.push({ first: variables.first, after: variables.after });
        return { toPromise: () => Promise.resolve({ data: pages[variables.after ?? 'start'], error: null }) };
      },
    } as unknown as Client;
    return { client, asked };
  };

  it('shows the first page and pages on with the end cursor until none follow', async () => {
    const { client, asked } = pagingClient({
      start: page([error(null), error(2)], 3, 'c2', true),
      c2: page([error(7)], 3, 'c7', false),
    });
    wrap(<SubmissionErrors submission={rejected(3)} />, 'nl', client);
    expect(screen.getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText('hele bestand')).toBeInTheDocument();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Meer tonen (2 van 3)' })));
    expect(screen.getByText('Geen getal in rij 7')).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByRole('button', { name: /Meer tonen/ })).toBeNull();
    expect(asked).toEqual([
      { first: ERRORS_PAGE, after: null },
      { first: ERRORS_PAGE, after: 'c2' },
    ]);
  });

  it('says when more errors were found than kept', () => {
    const { client } = pagingClient({ start: page([error(1)], 1000, 'c1', false) });
    wrap(<SubmissionErrors submission={rejected(1500)} />, 'nl', client);
    expect(screen.getByTestId('errors-kept')).toHaveTextContent('1.500 fouten gevonden; de eerste 1.000 zijn bewaard');
  });

  it('asks nothing for a submission without errors', () => {
    const { client, asked } = pagingClient({});
    const { container } = wrap(<SubmissionErrors submission={rejected(0)} />, 'nl', client);
    expect(container).toBeEmptyDOMElement();
    expect(asked).toEqual([]);
  });

  it('on a card, asks the errors only when the button is pressed', () => {
    const { client, asked } = pagingClient({ start: page([error(4)], 1, 'c4', false) });
    wrap(<ErrorsOnRequest submission={rejected(1)} />, 'nl', client);
    expect(asked).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Fouten tonen (1)' }));
    expect(screen.getByText('Geen getal in rij 4')).toBeInTheDocument();
    expect(asked).toEqual([{ first: ERRORS_PAGE, after: null }]);
  });
});

describe('RefusalNotice', () => {
  it('shows the API refusal in Dutch with its code, never swallows it', () => {
    wrap(<RefusalNotice refusal={{ __typename: 'NotAllowed', message: 'not yours', messageNl: 'Niet van u', code: 'outside_area' }} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Niet van u');
    expect(screen.getByRole('alert')).toHaveTextContent('outside_area');
  });
});

describe('time series', () => {
  it('adds a flow up from the target window start, and draws the expected path to the deadline', () => {
    const t = { ...target(), startPeriod: '2025', baselinePeriod: null, baselineValue: null } as Parameters<typeof seriesFor>[0];
    const obs = (period: string, start: string, end: string, value: number) =>
      ({
        id: period,
        period,
        periodStart: start,
        periodEnd: end,
        value,
        perYear: false,
        priceSegment: null,
        indicator: { id: 'i1', code: 'dwellings-added' },
        targetGroup: { id: 'g1', code: 'ouderen' },
        housingType: null,
        sourceOrganisation: { id: 'o', code: 'cbs', name: 'CBS' },
      }) as unknown as Parameters<typeof seriesFor>[1][number];
    const { points, source } = seriesFor(t, [obs('2024', '2024-01-01', '2024-12-31', 50), obs('2025-Q1', '2025-01-01', '2025-03-31', 10), obs('2025-Q2', '2025-04-01', '2025-06-30', 15)]);
    expect(source).toBe('CBS');
    expect(points.filter((p) => p.realised !== undefined).map((p) => p.realised)).toEqual([10, 25]);
    expect(points.find((p) => p.expected === 780)).toBeTruthy();
    expect(points.find((p) => p.pipeline === 1600)).toBeTruthy();
  });
});
