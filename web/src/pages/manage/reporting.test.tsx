import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider, type Client } from 'urql';
import { fromValue } from 'wonka';
import type { ReactNode } from 'react';
import { I18nProvider } from '../../lib/i18n';
import { makeClient } from '../../lib/client';
import { ObligationList, OrganisationScopeDocument, ScopeList } from './reporting';
import { GrantScopeDocument } from './ScopesPage';

const wrap = (ui: ReactNode, client: Client, locale: 'nl' | 'en' = 'nl') =>
  render(
    <I18nProvider locale={locale}>
      <MemoryRouter>
        <Provider value={client}>{ui}</Provider>
      </MemoryRouter>
    </I18nProvider>,
  );

const entry = (n: number) => ({ __typename: 'ScopeEntry', id: `s${n}`, jurisdiction: `GM${String(n).padStart(4, '0')}`, indicator: n % 2 ? null : 'dwellings-added' });

/** An organisations answer holding one organisation with one page of its scope. */
const scopeAnswer = (nodes: ReturnType<typeof entry>[], total: number, hasNextPage: boolean, endCursor: string | null) => ({
  organisations: {
    __typename: 'OrganisationConnection',
    nodes: [
      {
        __typename: 'Organisation',
        id: 'T3JnOjE=',
        code: 'gem-leiden',
        name: 'Gemeente Leiden',
        reportingScope: { __typename: 'ScopeEntryConnection', totalCount: total, pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor }, nodes },
      },
    ],
  },
});

describe("an organisation's current scope and obligations", () => {
  it('lists the first page of the scope and fetches the next one on request', async () => {
    const first = Array.from({ length: 100 }, (_, i) => entry(i + 1));
    const asked: unknown[] = [];
    const client = {
      executeQuery: () => fromValue({ data: scopeAnswer(first, 101, true, 'c100'), stale: false, hasNext: false, operation: {} }),
      query: (_doc: unknown, variables: unknown) => {
        asked.push(variables);
        return { toPromise: () => Promise.resolve({ data: scopeAnswer([entry(101)], 101, false, 'c101') }) };
      },
    } as unknown as Client;
    wrap(<ScopeList organisation="gem-leiden" />, client);
    expect(screen.getByRole('heading', { name: 'Huidig bereik van Gemeente Leiden (gem-leiden)' })).toBeInTheDocument();
    expect(screen.getByTestId('scope-table').querySelectorAll('tbody tr')).toHaveLength(100);
    expect(screen.getByTestId('scope-table')).toHaveTextContent('alle indicatoren');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Meer tonen (100 van 101)' })));
    expect(asked).toEqual([{ organisation: 'gem-leiden', after: 'c100' }]);
    expect(screen.getByTestId('scope-table').querySelectorAll('tbody tr')).toHaveLength(101);
    expect(screen.getByTestId('scope-table')).toHaveTextContent('GM0101');
    expect(screen.queryByRole('button', { name: /Meer tonen/ })).toBeNull();
  });

  it('says so, in English too, when there are no obligations the viewer may see', () => {
    const answer = { organisations: { __typename: 'OrganisationConnection', nodes: [{ __typename: 'Organisation', id: 'T3JnOjI=', code: 'duwo', name: 'DUWO', reportingObligations: { __typename: 'ObligationSetConnection', totalCount: 0, pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null }, nodes: [] } }] } };
    const client = { executeQuery: () => fromValue({ data: answer, stale: false, hasNext: false, operation: {} }) } as unknown as Client;
    wrap(<ObligationList organisation="duwo" />, client, 'en');
    expect(screen.getByTestId('obligations-empty')).toHaveTextContent('DUWO (duwo) has no reporting obligations you may see.');
  });

  it('asks for the scope again after grantScope (the Graphcache update invalidates it)', async () => {
    // the real client and cache, over a fetch that answers like the API
    let scopeRequests = 0;
    const fetchStub = vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { operationName: string };
      let data: unknown;
      if (body.operationName === 'OrganisationScope') {
        scopeRequests += 1;
        data = scopeRequests === 1 ? scopeAnswer([entry(546)], 1, false, 'c1') : scopeAnswer([entry(546), entry(547)], 2, false, 'c2');
      } else {
        data = { grantScope: { __typename: 'ScopeChanged', organisation: 'gem-leiden', scope: [entry(546), entry(547)] } };
      }
      return new Response(JSON.stringify({ data }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchStub);
    try {
      const { client, dispose } = makeClient();
      const seen: number[] = [];
      const watching = client.query(OrganisationScopeDocument, { organisation: 'gem-leiden' }).subscribe((r) => {
        const count = r.data?.organisations.nodes[0]?.reportingScope.totalCount;
        if (count !== undefined) seen.push(count);
      });
      await waitFor(() => expect(seen).toContain(1));
      await client.mutation(GrantScopeDocument, { organisation: 'gem-leiden', jurisdictions: ['GM0547'] }).toPromise();
      await waitFor(() => expect(seen.at(-1)).toBe(2));
      expect(scopeRequests).toBe(2);
      watching.unsubscribe();
      dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
