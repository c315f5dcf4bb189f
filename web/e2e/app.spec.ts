import { fileURLToPath as __toPath } from 'node:url';
import { dirname as __dirnameOf } from 'node:path';
const __dirname = __dirnameOf(__toPath(import.meta.url));
import { mkdirSync, readFileSync, writeFileSync as write } from 'node:fs';

const writeFileSync = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  write(path, text);
};
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { checkA11y, recordSocketMessages, report, screenshot, signIn, signInAsPerson, state, visit } from './support';

const REGION = 'rg-woningmarktregio-haaglanden';
const LEIDSE_REGIO = 'rg-leidse-regio';
const LEIDEN_GECLUSTERD = 'dwellings-added|ouderen|geclusterde-woning||TARGET';

// Each test stands alone (a failed budget does not hide the others); the setup's server is shared.

test('the initial JavaScript stays within budget', async () => {
  const dist = join(__dirname, '..', 'dist');
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[] }>;
  const seen = new Set<string>();
  const visitChunk = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key]?.imports ?? []) visitChunk(dep);
  };
  visitChunk('index.html');
  const gzip = [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
  report('budget.initial_js_gzip_kb', (gzip / 1024).toFixed(1));
  expect(gzip).toBeLessThan(300 * 1024);
});

test('the region dashboard is usable within 1.5 s of navigation', async ({ page }) => {
  report('e2e.served_by', state().servedBy);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Usable: the region's targets table has rows, measured from the navigation's start. The
  // first visit also fetches the code; the budget is the median of the five after it.
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    await page.goto(`/regio/${REGION}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="dashboard-ready"] table tbody tr'));
    times.push(await page.evaluate(() => performance.now()));
    await page.waitForLoadState('networkidle');
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)]!;
  report('budget.dashboard_usable_ms_first_visit', times[0]!.toFixed(0));
  report('budget.dashboard_usable_ms_median', median.toFixed(0));
  report('budget.dashboard_usable_ms_max', warm[warm.length - 1]!.toFixed(0));
  // The budget is 1.5 s (reported as within_budget); the assertion allows E2E_BUDGET_SLACK times
  // it (default 2), so a CI machine busy with other suites does not fail on timing alone.
  const slack = Number(process.env.E2E_BUDGET_SLACK ?? '2');
  report('budget.dashboard_usable_within_1500ms', String(median < 1500));
  expect(median).toBeLessThan(1500 * slack);
});

test.describe('published pages work without signing in, within the waterfall budget and accessible', () => {
  test('home', async ({ page }) => {
    await visit(page, '/', 'home-ready', 'home', { screenshot: true });
  });
  test('region dashboard', async ({ page }) => {
    await visit(page, `/regio/${REGION}`, 'dashboard-ready', 'dashboard', { screenshot: true });
    await expect(page.locator('.wz-map__svg path').first()).toBeVisible();
    await expect(page.getByText('Bron kaart: CBS, PDOK')).toBeVisible();
  });
  test('municipality', async ({ page }) => {
    await visit(page, '/gemeente/GM0546', 'municipality-ready', 'municipality', { screenshot: true });
    // Leiden has more measures than one page (100): the rest come on request (after:).
    const rows = page.locator('section[aria-labelledby="measures-heading"] tbody tr');
    await expect(rows).toHaveCount(100);
    const more = page.getByRole('button', { name: /^Meer maatregelen tonen \(100 van \d+\)$/ });
    const total = Number(/van (\d+)/.exec((await more.innerText()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(100);
    await more.click();
    await expect(rows).toHaveCount(Math.min(total, 200));
  });
  test('target, now and as known on a day', async ({ page }) => {
    await page.goto('/gemeente/GM0546');
    const href = await page.locator('a[href^="/doel/"]').first().getAttribute('href');
    expect(href).toBeTruthy();
    await visit(page, href!, 'target-ready', 'target', { screenshot: true });
    await expect(page.getByTestId('citation-quote')).toBeVisible();
    await visit(page, `${href!}?peildatum=2024-06-30`, 'target-ready', 'target-asof');
    await expect(page.getByTestId('as-of-table')).toBeVisible();
  });
  test('measures board', async ({ page }) => {
    await visit(page, '/maatregelen?document=leiden-beleidsplan-mo-2013', 'measures-ready', 'measures', { screenshot: true });
    await expect(page.locator('[data-overdue="true"]').first()).toBeVisible();
  });
  test('pipeline', async ({ page }) => {
    await visit(page, '/pijplijn/GM0546', 'pipeline-ready', 'pipeline', { screenshot: true });
  });
  test('sign-in', async ({ page }) => {
    await visit(page, '/inloggen', 'signin-ready', 'signin');
  });
});

test('GraphiQL opens at /graphql from local assets', async ({ page }) => {
  test.skip(state().servedBy !== 'api', 'GraphiQL is served by the API');
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(state().baseURL) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url());
  });
  await page.goto('/graphql');
  await expect(page.locator('.graphiql-container')).toBeVisible();
  await expect(page.locator('#help')).toContainText('Authorization');
  await screenshot(page, 'graphiql');
  expect(external).toEqual([]);
});

test('the language switch gives English, with Dutch number formats kept per language', async ({ page }) => {
  await page.goto(`/regio/${REGION}`);
  await expect(page.getByTestId('dashboard-ready')).toBeVisible();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { name: 'Targets of the region' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  await expect(page.getByRole('heading', { name: 'Doelen van de regio' })).toBeVisible();
});

for (const [role, pages] of [
  ['viewer', { allowed: [], denied: ['Aanleveren', 'Beoordelen', 'Projecten', 'Beheer'], manage: [] }],
  ['partner', { allowed: ['Aanleveren', 'Projecten', 'Beheer'], denied: ['Beoordelen'], manage: ['Rapportagekalender', 'Personen', 'Tokens', 'Webhooks'] }],
  ['taskforce', { allowed: ['Beoordelen', 'Projecten', 'Beheer'], denied: ['Aanleveren'], manage: ['Rapportagekalender', 'Leveringsplichten', 'Personen', 'Tokens', 'Webhooks'] }],
  [
    'admin',
    {
      allowed: ['Aanleveren', 'Beoordelen', 'Projecten', 'Beheer'],
      denied: [],
      manage: ['Rapportagekalender', 'Organisaties', 'Rapportagebereik', 'Leveringsplichten', 'Personen', 'Tokens', 'Webhooks', 'Werkerstatus', 'Bronnen en logboek'],
    },
  ],
] as const) {
  test(`signs in as ${role}: the navigation offers only what the role may do`, async ({ page }) => {
    test.setTimeout(role === 'admin' ? 240_000 : 90_000); // the administrator opens ten pages, each checked with axe
    await signIn(page, role);
    await expect(page.getByTestId('account-role')).toHaveText({ viewer: 'lezer', partner: 'partner', taskforce: 'taskforce', admin: 'beheerder' }[role]);
    await visit(page, '/account', 'account-ready', `account-${role}`);
    const nav = page.getByRole('navigation', { name: 'Hoofdnavigatie' });
    for (const name of pages.allowed) await expect(nav.getByRole('link', { name })).toBeVisible();
    for (const name of pages.denied) await expect(nav.getByRole('link', { name })).toHaveCount(0);
    if (pages.manage.length) {
      await nav.getByRole('link', { name: 'Beheer' }).click();
      const sections = page.getByRole('navigation', { name: 'Beheeronderdelen' }).getByRole('link');
      await expect(sections).toHaveText([...pages.manage]);
    }
    if (role === 'partner') await visit(page, '/aanleveren', 'partner-ready', 'partner', { screenshot: true });
    if (role === 'taskforce') await visit(page, '/beoordelen', 'taskforce-ready', 'taskforce');
    if (role === 'admin') {
      for (const [path, ready, name] of [
        ['/beheer/kalender', 'calendar-ready', 'admin-calendar'],
        ['/beheer/organisaties', 'organisations-ready', 'admin-organisations'],
        ['/beheer/bereik', 'scopes-ready', 'admin-scopes'],
        ['/beheer/verplichtingen', 'obligations-ready', 'admin-obligations'],
        ['/beheer/mensen', 'people-ready', 'admin-people'],
        ['/beheer/tokens', 'tokens-ready', 'admin-tokens'],
        ['/beheer/webhooks', 'webhooks-ready', 'admin-webhooks'],
        ['/beheer/status', 'status-ready', 'admin-status'],
        ['/beheer/logboek', 'audit-ready', 'admin-audit'],
        ['/projecten', 'projects-ready', 'admin-projects'],
      ] as const) {
        await visit(page, path, ready, name, { screenshot: name === 'admin-calendar' || name === 'admin-people' });
      }
    }
    if (role === 'viewer') {
      // a page the role may not use is not offered, and says so when opened directly
      await page.goto('/aanleveren');
      await expect(page.getByText('Uw rol mag deze pagina niet gebruiken.')).toBeVisible();
      await page.goto('/beheer/mensen');
      await expect(page.getByText('Uw rol mag deze pagina niet gebruiken.').first()).toBeVisible();
    }
    if (role === 'partner') {
      // opened directly, an administrators' page says so instead of showing a form
      await page.goto('/beheer/organisaties');
      await expect(page.getByTestId('organisations-ready')).toContainText('Uw rol mag deze pagina niet gebruiken.');
    }
    await page.getByRole('button', { name: 'Uitloggen' }).first().click();
    await expect(page.getByRole('link', { name: 'Inloggen' })).toBeVisible();
  });
}

test('a partner uploads a bad file and sees every error with row, column, value and Dutch message', async ({ page }, info) => {
  await signIn(page, 'partner');
  await page.goto('/aanleveren');
  await expect(page.getByTestId('partner-ready')).toBeVisible();
  const bad = join(info.outputDir, 'fout.csv');
  writeFileSync(bad, 'Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde;Opmerking\nbestaat-niet;GM0546;2025-Q9;;;abc;\n');
  await page.getByLabel('Kies een bestand').setInputFiles(bad);
  await page.getByLabel('Alleen controleren (proefrun)').uncheck();
  await page.getByRole('button', { name: 'Versturen' }).click();
  await expect(page.getByText('Ontvangen: de controle loopt op de achtergrond.')).toBeVisible();
  const row = page.getByTestId('submissions-table').locator('tr', { hasText: 'fout.csv' });
  await expect(row.getByTestId('submission-status')).toHaveText('Afgekeurd');
  const errors = page.getByTestId('errors-table');
  await expect(errors).toBeVisible();
  await expect(errors.locator('tbody tr').first()).toContainText('Indicator');
  await expect(errors).toContainText('bestaat-niet');
  await screenshot(page, 'partner-errors');
  await checkA11y(page, 'partner-errors');
});

test("a partner pages through a long file's errors, a page at a time", async ({ page }, info) => {
  await signIn(page, 'partner');
  await page.goto('/aanleveren');
  await expect(page.getByTestId('partner-ready')).toBeVisible();
  // 70 rows of an unknown indicator: more errors than one page (50) holds
  const rows = Array.from({ length: 70 }, (_, i) => `onbekend-${i + 1};GM0546;2025;;;1;`).join('\n');
  const bad = join(info.outputDir, 'veel-fouten.csv');
  writeFileSync(bad, `Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde;Opmerking\n${rows}\n`);
  await page.getByLabel('Kies een bestand').setInputFiles(bad);
  await page.getByLabel('Alleen controleren (proefrun)').uncheck();
  await page.getByRole('button', { name: 'Versturen' }).click();
  const row = page.getByTestId('submissions-table').locator('tr', { hasText: 'veel-fouten.csv' });
  await expect(row.getByTestId('submission-status')).toHaveText('Afgekeurd');
  const errors = page.getByTestId('errors-table');
  // the first page, in row order, and the way to the next
  await expect(errors.locator('tbody tr')).toHaveCount(50);
  await expect(errors.locator('tbody tr').first()).toContainText('onbekend-1');
  const more = page.getByRole('button', { name: /^Meer tonen \(50 van \d+\)$/ });
  await expect(more).toBeVisible();
  const total = Number(/van (\d+)/.exec((await more.innerText()) ?? '')?.[1]);
  expect(total).toBeGreaterThanOrEqual(70);
  for (let shown = 50; shown < total; shown += 50) {
    await page.getByRole('button', { name: `Meer tonen (${shown} van ${total})` }).click();
    await expect(errors.locator('tbody tr')).toHaveCount(Math.min(shown + 50, total));
  }
  await expect(page.getByRole('button', { name: /^Meer tonen/ })).toHaveCount(0);
  await expect(errors.locator('tbody tr').last()).toContainText('onbekend-70');
  await checkA11y(page, 'partner-errors-paged');
});

test('a Leiden municipality partner uploads a good file, the task force approves, and the open dashboard changes without reload (all live over cookie sessions)', async ({ browser }, info) => {
  const { people, person } = state();
  // The dashboard, open in a browser of a person signed in with e-mail and password (cookie session).
  const dashboard = await (await browser.newContext()).newPage();
  const dashboardSocket = recordSocketMessages(dashboard);
  await signInAsPerson(dashboard, person);
  await dashboard.goto(`/regio/${LEIDSE_REGIO}?vergelijk=${encodeURIComponent(LEIDEN_GECLUSTERD)}`);
  const leiden = dashboard.getByTestId('comparison-table').locator('tr', { hasText: 'Leiden' });
  await expect(leiden).toBeVisible();
  const before = await leiden.locator('td').nth(1).innerText();

  // The municipality of Leiden (gem-leiden, a partner person with a cookie session) sends its figure.
  const partner = await (await browser.newContext()).newPage();
  const partnerSocket = recordSocketMessages(partner);
  await signInAsPerson(partner, people.partner);
  await expect(partner.getByTestId('account-role')).toHaveText('partner');
  await partner.goto('/aanleveren');
  await expect(partner.getByTestId('partner-ready')).toContainText('gem-leiden');
  const download = partner.waitForEvent('download');
  await partner.getByRole('button', { name: 'Sjabloon (CSV)' }).click();
  expect((await download).suggestedFilename()).toMatch(/^woonzorgmonitor-gem-leiden-\d{4}\.csv$/);
  const good = join(info.outputDir, 'goed.csv');
  writeFileSync(good, '\ufeffIndicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde;Opmerking\ndwellings-added;GM0546;2026-Q1;ouderen;geclusterde-woning;1.080;telling e2e\n');
  // drag and drop, as an office worker would
  const data = await partner.evaluateHandle(
    ({ text }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'goed.csv', { type: 'text/csv' }));
      return transfer;
    },
    { text: readFileSync(good, 'utf8') },
  );
  await partner.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: data });
  await expect(partner.getByText('goed.csv')).toBeVisible();
  await partner.getByLabel('Alleen controleren (proefrun)').uncheck();
  await partner.getByRole('button', { name: 'Versturen' }).click();
  const row = partner.getByTestId('submissions-table').locator('tr', { hasText: 'goed.csv' });
  await expect(row.getByTestId('submission-status')).toHaveText('Gecontroleerd, wacht op beoordeling', { timeout: 30_000 });
  await screenshot(partner, 'partner-upload');

  // The task force of the region (a person with a cookie session) approves it.
  const taskforce = await (await browser.newContext()).newPage();
  await signInAsPerson(taskforce, people.taskforce);
  await taskforce.goto('/beoordelen');
  const card = taskforce.locator('[data-review]').filter({ hasText: 'goed.csv' });
  await card.getByRole('button', { name: 'Goedkeuren' }).click();
  // The confirmation stays (item: it must not vanish when the queue refreshes), with the new state.
  const confirmation = card.getByTestId('review-confirmation');
  await expect(confirmation).toContainText('Goedgekeurd.');
  await expect(confirmation.getByTestId('submission-status')).toHaveText('Verwerkt', { timeout: 30_000 });
  await expect(taskforce.getByTestId('submissions-table').locator('tr', { hasText: 'goed.csv' }).first()).toBeVisible();
  await expect(confirmation).toBeVisible();
  await screenshot(taskforce, 'taskforce-approved');

  // The partner's list and the dashboard follow live, without reloading.
  await expect(row.getByTestId('submission-status')).toHaveText('Verwerkt', { timeout: 30_000 });
  await expect(leiden.locator('td').nth(1)).not.toHaveText(before, { timeout: 30_000 });
  await expect(dashboard.getByTestId('live-status')).toContainText('Bijgewerkt om');
  await screenshot(dashboard, 'dashboard-live');
  // Both came over the WebSockets of cookie sessions: the partner's own submission is no published
  // data, so its events prove the socket knows who is asking.
  expect(partnerSocket.errors()).toEqual([]);
  expect(partnerSocket.events('submissionChanged').map((s) => (s as { status: string }).status)).toContain('APPLIED');
  expect(dashboardSocket.events('progressChanged').length).toBeGreaterThan(0);

  await confirmation.getByRole('button', { name: 'Sluiten' }).click();
  await expect(card).toHaveCount(0);
});

test('a person signs in with e-mail and password: a cookie session with the CSRF header', async ({ page }) => {
  const { email, password } = state().person;
  await page.goto('/inloggen');
  await page.getByLabel('E-mailadres', { exact: true }).fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill('dit-is-niet-het-wachtwoord');
  await page.getByRole('button', { name: 'Inloggen met wachtwoord' }).click();
  await expect(page.getByText('Het e-mailadres of het wachtwoord klopt niet.')).toBeVisible();
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Inloggen met wachtwoord' }).click();
  await expect(page.getByTestId('account-role')).toHaveText('beheerder');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'woonzorg_session')?.httpOnly).toBe(true);
  // every POST /graphql of the cookie session carries X-CSRF-Token (the API refuses it otherwise)
  const withoutCsrf: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql' && !r.headers()['x-csrf-token']) withoutCsrf.push(r.url());
  });
  await visit(page, '/beheer/logboek', 'audit-ready', 'admin-cookie');
  await expect(page.getByTestId('audit-table')).toBeVisible();
  expect(withoutCsrf).toEqual([]);
  await page.getByRole('button', { name: 'Uitloggen' }).first().click();
  await expect(page.getByRole('link', { name: 'Inloggen' })).toBeVisible();
});

test('the task force reviews: a validated submission is approved, another returned with a reason', async ({ browser }, info) => {
  // A municipality (gem-leiden: its own municipality in scope, not a trusted source) sends
  // header-only files (valid, no rows); the task force of its region (holland-rijnland) decides.
  const partner = await (await browser.newContext()).newPage();
  await signIn(partner, 'partner');
  for (const name of ['leeg-1.csv', 'leeg-2.csv']) {
    await partner.goto('/aanleveren');
    await expect(partner.getByTestId('partner-ready')).toBeVisible();
    const file = join(info.outputDir, name);
    writeFileSync(file, `Indicator;Gemeente;Periode;Doelgroep;Woonvorm;Waarde;Opmerking${name === 'leeg-1.csv' ? '\n' : '\r\n'}`);
    await partner.getByLabel('Kies een bestand').setInputFiles(file);
    await partner.getByLabel('Alleen controleren (proefrun)').uncheck();
    await partner.getByRole('button', { name: 'Versturen' }).click();
    await expect(partner.getByTestId('submissions-table').locator('tr', { hasText: name }).getByTestId('submission-status')).toHaveText('Gecontroleerd, wacht op beoordeling', { timeout: 30_000 });
  }
  const taskforce = await (await browser.newContext()).newPage();
  await signIn(taskforce, 'taskforce');
  await visit(taskforce, '/beoordelen', 'taskforce-ready', 'taskforce-queue', { screenshot: true });
  const first = taskforce.locator('[data-review]').filter({ hasText: 'leeg-1.csv' });
  const second = taskforce.locator('[data-review]').filter({ hasText: 'leeg-2.csv' });
  await second.getByRole('button', { name: 'Terugsturen' }).click();
  await expect(second.getByText('Geef een reden op.')).toBeVisible();
  await second.getByLabel('Reden van terugsturen').fill('Geen cijfers in het bestand');
  await second.getByRole('button', { name: 'Terugsturen' }).click();
  // The confirmation stays in the card, with the submission's new state, after the queue refreshed.
  await expect(second.getByTestId('review-confirmation')).toContainText('Teruggestuurd.');
  await expect(second.getByTestId('review-confirmation')).toContainText('Geen cijfers in het bestand');
  await expect(second.getByTestId('review-confirmation').getByTestId('submission-status')).toHaveText('Teruggestuurd');
  await expect(taskforce.locator('tr', { hasText: 'leeg-2.csv' }).filter({ hasText: 'Geen cijfers in het bestand' }).first()).toBeVisible();
  await first.getByRole('button', { name: 'Goedkeuren' }).click();
  await expect(first.getByTestId('review-confirmation')).toContainText('Goedgekeurd.');
  await expect(taskforce.locator('tr', { hasText: 'leeg-1.csv' }).filter({ hasText: /Goedgekeurd|Verwerkt/ }).first()).toBeVisible();
  await expect(second.getByTestId('review-confirmation')).toBeVisible();
  await checkA11y(taskforce, 'taskforce-decided');
  await taskforce.reload();
  await expect(taskforce.getByTestId('submissions-table').first()).toContainText('Geen cijfers in het bestand');
});
