import { fileURLToPath as __toPath } from 'node:url';
import { dirname as __dirnameOf } from 'node:path';
const __dirname = __dirnameOf(__toPath(import.meta.url));
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type Request } from '@playwright/test';

export interface State {
  baseURL: string;
  apiUrl: string;
  servedBy: string;
  tokens: Record<'admin' | 'taskforce' | 'partner' | 'viewer', string>;
  /** An administrator with e-mail and password (set through the CLI's one-time link). */
  person: { email: string; password: string };
  /** People invited through the API: a Leiden municipality partner and a Holland Rijnland task force member. */
  people: Record<'partner' | 'taskforce', { email: string; password: string }>;
  /** The app served from a second origin the API lists (WOONZORG_CORS_ORIGINS), and from one it does not. */
  cors: { allowed: string; other: string };
}

export const state = (): State => JSON.parse(readFileSync(join(__dirname, '.tmp', 'state.json'), 'utf8')) as State;

/** Budget and measurement lines, printed as key=value (collected by CI logs). */
export function report(key: string, value: string | number) {
  console.log(`${key}=${value}`);
  appendFileSync(join(__dirname, '.tmp', 'metrics.txt'), `${key}=${value}\n`);
}

export async function signIn(page: Page, role: keyof State['tokens']) {
  await page.goto('/inloggen');
  await page.getByLabel('API-token', { exact: true }).fill(state().tokens[role]);
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
  await expect(page.getByTestId('account-role')).toBeVisible();
}

/** Sign a person in with e-mail and password (a cookie session). */
export async function signInAsPerson(page: Page, who: { email: string; password: string }) {
  await page.goto('/inloggen');
  await page.getByLabel('E-mailadres', { exact: true }).fill(who.email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Inloggen met wachtwoord' }).click();
  await expect(page.getByTestId('account-role')).toBeVisible();
}

/** The graphql-transport-ws messages a page receives (to see which subscription events arrived). */
export function recordSocketMessages(page: Page) {
  const messages: { type?: string; payload?: { data?: Record<string, unknown> | null; errors?: unknown } }[] = [];
  const closes: string[] = [];
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/graphql')) return;
    socket.on('framereceived', (frame) => {
      try {
        messages.push(JSON.parse(String(frame.payload)));
      } catch {
        /* not JSON */
      }
    });
    socket.on('close', () => closes.push(socket.url()));
  });
  return {
    /** The `next` events carrying this subscription field. */
    events: (field: string) => messages.filter((m) => m.type === 'next' && m.payload?.data && field in m.payload.data).map((m) => m.payload!.data![field]),
    errors: () => messages.filter((m) => m.type === 'error'),
    closes,
  };
}

/** axe-core with the WCAG 2.1 A/AA rules: no serious or critical violation allowed. */
export async function checkA11y(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  report(`a11y.${name}.serious_or_critical`, bad.length);
  expect(summary, `axe on ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(__dirname, 'screenshots', `${name}.png`), fullPage: true });
}

const isData = (r: Request) => {
  const url = new URL(r.url());
  return (url.pathname === '/graphql' && r.method() === 'POST') || url.pathname.startsWith('/submissions') || url.pathname.endsWith('.topojson');
};

/**
 * Records the data requests (GraphQL over HTTP, uploads, boundaries) of a page load and gives the
 * depth of their waterfall: a request that starts after another one finished is one level deeper
 * than it (an upper bound: two independent requests in sequence count as a chain).
 */
export function recordWaterfall(page: Page) {
  const timings: { start: number; end: number; url: string }[] = [];
  const open = new Map<Request, number>();
  const onRequest = (r: Request) => isData(r) && open.set(r, Date.now());
  const onDone = (r: Request) => {
    const start = open.get(r);
    if (start !== undefined) timings.push({ start, end: Date.now(), url: r.url() });
    open.delete(r);
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  return {
    async settled(): Promise<void> {
      for (let i = 0; i < 100 && open.size > 0; i++) await new Promise((ok) => setTimeout(ok, 100));
    },
    depth(): number {
      page.off('request', onRequest);
      page.off('requestfinished', onDone);
      page.off('requestfailed', onDone);
      const sorted = [...timings].sort((a, b) => a.start - b.start);
      const depth: number[] = [];
      sorted.forEach((r, i) => {
        let d = 1;
        for (let j = 0; j < i; j++) if (sorted[j]!.end <= r.start) d = Math.max(d, depth[j]! + 1);
        depth.push(d);
      });
      return Math.max(0, ...depth);
    },
    count: () => timings.length,
    timeline: () => {
      const t0 = Math.min(...timings.map((t) => t.start));
      return timings.map((t) => `${new URL(t.url).pathname}@${t.start - t0}-${t.end - t0}ms`).join(' ');
    },
  };
}

/** Open a page fresh, wait until it is ready, measure its waterfall, check it with axe. */
export async function visit(page: Page, path: string, ready: string, name: string, opts: { screenshot?: boolean } = {}) {
  const waterfall = recordWaterfall(page);
  await page.goto(path);
  await expect(page.getByTestId(ready)).toBeVisible();
  await page.waitForLoadState('networkidle');
  await waterfall.settled();
  const depth = waterfall.depth();
  report(`requests.${name}.count`, waterfall.count());
  console.log(`# ${name}: ${waterfall.timeline()}`);
  report(`waterfall.${name}.depth`, depth);
  expect(depth, `request waterfall of ${name}`).toBeLessThanOrEqual(2);
  await checkA11y(page, name);
  if (opts.screenshot) await screenshot(page, name);
  return depth;
}
