// The management pages doing their work through the API: projects, webhooks, tokens, people,
// scopes, obligations, the reporting calendar and the worker status. Each action's confirmation
// or refusal is shown, and stays until closed.
import { expect, test } from '@playwright/test';
import { checkA11y, screenshot, signIn, signInAsPerson, state, visit } from './support';

test('a municipality partner adds a project, changes it and moves it; a project outside its scope is refused', async ({ page }) => {
  await signInAsPerson(page, state().people.partner);
  await page.getByRole('navigation', { name: 'Hoofdnavigatie' }).getByRole('link', { name: 'Projecten' }).click();
  await expect(page.getByTestId('projects-ready')).toBeVisible();
  const create = page.locator('form[aria-labelledby="project-create-heading"]');
  await create.getByLabel('Projectnaam').fill('E2E Hofje Morsweg');
  await create.getByLabel('Gemeente (CBS-code)').fill('GM0518'); // Den Haag: not gem-leiden's
  await create.getByLabel('Aantal (regel 1)').fill('24');
  await create.getByRole('button', { name: 'Project toevoegen' }).click();
  await expect(create.getByRole('alert')).toContainText('project_outside_scope');
  await create.getByLabel('Gemeente (CBS-code)').fill('GM0546');
  await create.getByLabel('Woonvorm').selectOption('geclusterde-woning');
  await create.getByLabel('Doelgroep').selectOption('ouderen');
  await create.getByRole('button', { name: 'Project toevoegen' }).click();
  await expect(create.getByTestId('project-created')).toContainText('Opgeslagen: E2E Hofje Morsweg');
  await expect(page.getByTestId('projects-table').locator('tr', { hasText: 'E2E Hofje Morsweg' })).toBeVisible();

  await page.getByLabel('Project', { exact: true }).selectOption({ label: 'E2E Hofje Morsweg (Leiden)' });
  const update = page.locator('form[aria-labelledby="project-update-heading"]');
  await update.getByLabel('Aantal (regel 1)').fill('30');
  await update.getByRole('button', { name: 'Opslaan' }).click();
  await expect(update.getByTestId('project-updated')).toContainText('Opgeslagen');
  await expect(page.getByTestId('projects-table').locator('tr', { hasText: 'E2E Hofje Morsweg' })).toContainText('30');

  const move = page.locator('form[aria-labelledby="project-move-heading"]');
  await move.getByLabel('Nieuwe fase').selectOption('PERMIT');
  await move.getByRole('button', { name: 'Naar een andere fase' }).click();
  await expect(move.getByTestId('project-moved')).toContainText('Nu in fase');
  await expect(move.getByTestId('project-phase')).toHaveText('Vergunning');
  // moving back needs a reason: the API's refusal is shown, not swallowed
  await move.getByLabel('Nieuwe fase').selectOption('PLAN');
  await move.getByRole('button', { name: 'Naar een andere fase' }).click();
  await expect(move.getByRole('alert')).toContainText('reden', { ignoreCase: true });
  await expect(move.getByTestId('phase-history')).toContainText('Vergunning');
  await checkA11y(page, 'projects-partner');
  await screenshot(page, 'projects');
});

test('webhooks: a partner subscribes (the secret shown once), sees it listed, an http URL is refused, and unsubscribes', async ({ page }) => {
  await signIn(page, 'partner');
  await visit(page, '/beheer/webhooks', 'webhooks-ready', 'webhooks');
  const form = page.locator('form[aria-labelledby="subscribe-heading"]');
  await form.getByLabel('Adres (URL)').fill('http://ontvanger.example.nl/woonzorg');
  await form.getByRole('button', { name: 'Abonneren' }).click();
  await expect(form.getByRole('alert')).toBeVisible();
  await form.getByLabel('Adres (URL)').fill('https://ontvanger.example.nl/woonzorg');
  await form.getByLabel('herinnering aan een levering').check();
  await form.getByRole('button', { name: 'Abonneren' }).click();
  await expect(form.getByTestId('webhook-subscribed')).toContainText('Geabonneerd');
  await expect(form.getByTestId('webhook-secret')).not.toBeEmpty();
  const listed = page.getByTestId('webhooks-table').locator('tr', { hasText: 'https://ontvanger.example.nl/woonzorg' });
  await expect(listed).toContainText('herinnering');
  await checkA11y(page, 'webhooks-subscribed');
  await listed.getByRole('button', { name: 'Abonnement op https://ontvanger.example.nl/woonzorg opzeggen' }).click();
  await expect(page.getByTestId('webhooks-table').locator('tr', { hasText: 'https://ontvanger.example.nl/woonzorg' })).toContainText('niet actief');
});

test('tokens and people: a partner makes a token (shown once) and revokes it, invites a colleague, and may not raise a role', async ({ page }) => {
  await signInAsPerson(page, state().people.partner);
  await visit(page, '/beheer/tokens', 'tokens-ready', 'tokens');
  const create = page.locator('form[aria-labelledby="token-create-heading"]');
  await create.getByLabel('Waarvoor').fill('E2E koppeling');
  await create.getByRole('button', { name: 'Token maken' }).click();
  await expect(create.getByTestId('new-token')).toHaveText(/^wz_[A-Za-z0-9]{10}_/);
  const row = page.getByTestId('tokens-table').locator('tr', { hasText: 'E2E koppeling' });
  await row.getByLabel('Reden om “E2E koppeling” in te trekken').fill('e2e klaar');
  await row.getByRole('button', { name: 'Intrekken' }).click();
  await expect(row).toContainText('ingetrokken op');

  await visit(page, '/beheer/mensen', 'people-ready', 'people');
  const invite = page.locator('form[aria-labelledby="invite-heading"]');
  await invite.getByLabel('E-mailadres').fill('collega-leiden@example.nl');
  await invite.getByLabel('Naam', { exact: true }).fill('Collega Leiden');
  await invite.getByLabel('Rol').selectOption('VIEWER');
  await invite.getByRole('button', { name: 'Uitnodigen' }).click();
  await expect(invite.getByTestId('user-invited')).toContainText('collega-leiden@example.nl');
  await expect(page.getByTestId('people-table').locator('tr', { hasText: 'collega-leiden@example.nl' })).toContainText('uitnodiging open');
  // nobody raises their own role: the role list offers no more than partner, the API refuses the rest
  await expect(invite.getByLabel('Rol').locator('option')).toHaveText(['partner', 'lezer']);
  const update = page.locator('form[aria-labelledby="update-user-heading"]');
  await update.getByLabel('Persoon').selectOption('collega-leiden@example.nl');
  await update.getByLabel('Actief').selectOption('no');
  await update.getByRole('button', { name: 'Opslaan' }).click();
  await expect(update.getByTestId('user-updated')).toContainText('niet actief');
  await checkA11y(page, 'people-updated');
});

test('an administrator grants and revokes scope, sets a reporting obligation and sees it in the calendar, adds an organisation', async ({ page }) => {
  await signIn(page, 'admin');
  await visit(page, '/beheer/bereik', 'scopes-ready', 'scopes');
  await page.getByLabel('Organisatie').selectOption('gem-leiden');
  // the organisation's current scope is listed as soon as it is chosen (and the choice is in the URL)
  await expect(page).toHaveURL(/[?&]organisatie=gem-leiden/);
  await expect(page.getByTestId('scope-table')).toContainText('GM0546');
  await expect(page.getByTestId('scope-table')).not.toContainText('GM0547');
  await page.getByRole('button', { name: 'Bereik toekennen' }).click();
  await expect(page.getByText('Kies een organisatie en geef minstens één gebied op.')).toBeVisible();
  await page.getByLabel('Gebieden (codes)').fill('GM0547');
  await page.getByRole('button', { name: 'Bereik toekennen' }).click();
  await expect(page.getByTestId('scope-granted')).toBeVisible();
  await expect(page.getByTestId('scope-table')).toContainText('GM0547');
  await checkA11y(page, 'scopes-listed');
  // a new visit asks the API: the granted scope is there, not only in the mutation's answer
  await visit(page, '/beheer/bereik?organisatie=gem-leiden', 'scopes-ready', 'scopes-organisation');
  await expect(page.getByTestId('scope-table')).toContainText('GM0547');
  await page.getByLabel('Gebieden (codes)').fill('GM0547');
  await page.getByRole('button', { name: 'Bereik intrekken' }).click();
  await expect(page.getByTestId('scope-revoked')).toBeVisible();
  await expect(page.getByTestId('scope-table')).not.toContainText('GM0547');
  await expect(page.getByTestId('scope-table')).toContainText('GM0546');
  // a refusal is shown: an area that does not exist
  await page.getByLabel('Gebieden (codes)').fill('GM9999');
  await page.getByRole('button', { name: 'Bereik toekennen' }).click();
  await expect(page.getByRole('alert')).toBeVisible();

  await visit(page, '/beheer/verplichtingen', 'obligations-ready', 'obligations');
  await page.getByLabel('Organisatie').selectOption('gem-leiden');
  await page.getByLabel('Indicator').selectOption('dwellings-added');
  await page.getByLabel('Gebieden (codes)').fill('GM0546');
  await page.getByLabel('Hoe vaak').selectOption('QUARTERLY');
  await page.getByLabel('Termijn (dagen)').fill('30');
  await page.getByLabel('Eerste periode').fill('2025-Q1');
  await page.getByRole('button', { name: 'Leveringsplicht opslaan' }).click();
  await expect(page.getByTestId('obligation-set')).toContainText('gem-leiden levert dwellings-added per kwartaal, binnen 30 dagen');
  // the obligation appears in the organisation's list of obligations
  const listed = page.getByTestId('obligations-table').locator('tr', { hasText: 'dwellings-added' });
  await expect(listed).toContainText('per kwartaal');
  await expect(listed).toContainText('GM0546');
  await expect(listed).toContainText('actief');
  await checkA11y(page, 'obligations-listed');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { name: /Reporting obligations of/ })).toBeVisible();
  await expect(listed).toContainText('quarterly');
  await page.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  await visit(page, '/beheer/kalender', 'calendar-ready', 'calendar');
  await page.getByLabel('Organisatie').selectOption('gem-leiden');
  await expect(page.getByTestId('missing-reports').first()).toContainText('Leiden');

  await visit(page, '/beheer/organisaties', 'organisations-ready', 'organisations');
  const create = page.locator('form[aria-labelledby="org-create-heading"]');
  await create.getByLabel('Code', { exact: true }).fill('e2e-woonstichting');
  await create.getByLabel('Naam', { exact: true }).fill('E2E Woonstichting');
  await create.getByRole('button', { name: 'Organisatie toevoegen' }).click();
  await expect(create.getByTestId('organisation-created')).toContainText('E2E Woonstichting');
  await create.getByRole('button', { name: 'Organisatie toevoegen' }).click();
  await expect(create.getByRole('alert')).toBeVisible(); // the same code twice: the refusal is shown
  await expect(page.getByTestId('organisations-table')).toContainText('e2e-woonstichting');
  // the counts of each organisation's scope and obligations, linking to their lists
  await expect(page.getByRole('link', { name: /^[1-9][0-9]* leveringsplichten van Gemeente Leiden$/ })).toBeVisible();
  await page.getByRole('link', { name: /bereikregels van Gemeente Leiden$/ }).click();
  await expect(page.getByTestId('scope-table')).toContainText('GM0546');
});

test('the worker status: an administrator sees the workers and queues; a refusal is explained', async ({ page }) => {
  await signIn(page, 'admin');
  await visit(page, '/beheer/status', 'status-ready', 'status', { screenshot: true });
  await expect(page.getByTestId('workers-alive')).not.toHaveText('0');
  await expect(page.getByTestId('queues-table')).toBeVisible();
  // A person signed in with e-mail and password: GET /status answers with the session cookie, or
  // (before the API accepts sessions there) the page explains the refusal instead of failing.
  const other = await (await page.context().browser()!.newContext()).newPage();
  await signInAsPerson(other, state().person);
  await other.goto('/beheer/status');
  await expect(other.getByTestId('worker-status').or(other.getByText(/De API gaf de werkerstatus niet \(HTTP 40[13]\)/))).toBeVisible();
});
