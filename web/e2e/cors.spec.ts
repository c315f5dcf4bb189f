// The browser's CORS check against the real API: the built app served from a second origin asks
// the API across origins. The API lists one origin (WOONZORG_CORS_ORIGINS): from there the app
// works; from another origin the browser blocks the request.
import { expect, test } from '@playwright/test';
import { state } from './support';

test('a cross-origin GraphQL request succeeds from the listed origin', async ({ page }) => {
  const { cors, apiUrl } = state();
  const answers: { url: string; status: number; allowOrigin: string | undefined }[] = [];
  page.on('response', (r) => {
    if (r.url().startsWith(`${apiUrl}/graphql`) && r.request().method() === 'POST') answers.push({ url: r.url(), status: r.status(), allowOrigin: r.headers()['access-control-allow-origin'] });
  });
  await page.goto(`${cors.allowed}/`);
  await expect(page.getByTestId('home-ready')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Holland Rijnland' }).first()).toBeVisible();
  expect(answers.length).toBeGreaterThan(0);
  expect(answers[0]).toMatchObject({ status: 200, allowOrigin: cors.allowed });
  // and directly: a fetch from that origin's page reads the answer
  const direct = await page.evaluate(async (api) => {
    const r = await fetch(`${api}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ regions(first: 1) { totalCount } }' }) });
    return (await r.json()) as { data?: { regions?: { totalCount: number } } };
  }, apiUrl);
  expect(direct.data?.regions?.totalCount).toBeGreaterThan(0);
});

test('the same request from an origin the API does not list is blocked by the browser', async ({ page }) => {
  const { cors, apiUrl } = state();
  await page.goto(`${cors.other}/`);
  // the app shows the failure (never swallowed), and no data
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('home-ready')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Holland Rijnland' })).toHaveCount(0);
  const direct = await page.evaluate(async (api) => {
    try {
      await fetch(`${api}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: '{ regions(first: 1) { totalCount } }' }) });
      return 'read';
    } catch (error) {
      return `blocked: ${String(error)}`;
    }
  }, apiUrl);
  expect(direct).toMatch(/^blocked: TypeError/);
});
