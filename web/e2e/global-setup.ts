import { fileURLToPath as __toPath } from 'node:url';
import { dirname as __dirnameOf } from 'node:path';
const __dirname = __dirnameOf(__toPath(import.meta.url));
// Starts a real server with the reference data through the project's CLI (the repo root's .venv:
// `make install` creates it): migrate, seed, one token per role, serve on a free port. The app is
// served by the API itself (web/dist at /) when the API does so; otherwise (until the API serves
// the app) by `vite preview`, proxying the API. The state goes to e2e/.tmp/state.json.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const web = resolve(__dirname, '..');
const repo = resolve(web, '..');
const cli = process.env.WOONZORG_CLI ?? join(repo, '.venv', 'bin', 'woonzorg');
export const stateFile = join(web, 'e2e', '.tmp', 'state.json');

export const roles = {
  admin: 'holland-rijnland',
  taskforce: 'holland-rijnland',
  partner: 'gem-leiden',
  viewer: 'gem-leiden',
} as const;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

async function waitFor(url: string, ms: number, accept: (r: Response) => boolean = (r) => r.ok): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (accept(response)) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in ${ms} ms (${last})`);
}

export default async function globalSetup() {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run 'make install' in the repository root first`);
  if (!existsSync(join(web, 'dist', 'index.html'))) throw new Error("web/dist is missing: run 'npm run build' first");
  mkdirSync(join(web, 'e2e', '.tmp'), { recursive: true });
  mkdirSync(join(web, 'e2e', 'screenshots'), { recursive: true });
  writeFileSync(join(web, 'e2e', '.tmp', 'metrics.txt'), '');
  const tmp = mkdtempSync(join(web, 'e2e', '.tmp', 'run-'));
  const apiPort = await freePort();
  const env = {
    ...process.env,
    WOONZORG_DATABASE_URL: `sqlite:///${join(tmp, 'e2e.db')}`,
    WOONZORG_DATA_DIR: tmp,
    WOONZORG_BROKER_URL: 'memory://',
    WOONZORG_PUBLIC_READ: 'true',
    WOONZORG_PORT: String(apiPort),
    WOONZORG_HOST: '127.0.0.1',
    WOONZORG_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
  };
  const run = (...args: string[]) => execFileSync(cli, args, { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('migrate');
  run('seed');
  const tokens: Record<string, string> = {};
  for (const [role, organisation] of Object.entries(roles)) {
    const out = run('token', 'create', '--organisation', organisation, '--role', role);
    const token = /wz_[A-Za-z0-9]{10}_[A-Za-z0-9_-]{20,}/.exec(out)?.[0];
    if (!token) throw new Error(`no token in: ${out}`);
    tokens[role] = token;
  }
  // A person (issue 15): the operator's CLI prints a one-time link to set the password.
  const person = { email: 'e2e-beheerder@example.nl', password: `e2e-${Math.random().toString(36).slice(2)}-wachtwoord` };
  const adminOut = run('admin', 'create', '--email', person.email, '--name', 'E2E Beheerder');
  const link = /https?:\/\/\S+\/auth\/set-password\?token=[^\s"']+/.exec(adminOut)?.[0];
  if (!link) throw new Error(`no one-time link in: ${adminOut}`);
  const linkToken = new URL(link).searchParams.get('token') ?? '';
  const log = openSync(join(tmp, 'serve.log'), 'a');
  const api: ChildProcess = spawn(cli, ['serve', '--port', String(apiPort)], { cwd: repo, env, stdio: ['ignore', log, log], detached: true });
  api.unref();
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const pids: (number | undefined)[] = [api.pid];
  const stopAll = () => {
    for (const pid of pids) if (pid) try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  };
  try {
  await waitFor(`${apiUrl}/healthz`, 60_000);
  await waitFor(`${apiUrl}/readyz`, 60_000);
  let baseURL = apiUrl;
  let servedBy = 'api';
  const root = await fetch(`${apiUrl}/`).catch(() => null);
  const servesApp = root?.ok && (await root.text()).includes('id="root"');
  if (process.env.E2E_SERVE === 'preview' || (!servesApp && process.env.E2E_SERVE !== 'api')) {
    const previewPort = await freePort();
    const vite = join(web, 'node_modules', '.bin', 'vite');
    const preview = spawn(vite, ['preview', '--port', String(previewPort), '--strictPort', '--host', '127.0.0.1', '--bypass-lock'], {
      cwd: web,
      env: { ...process.env, WOONZORG_API: apiUrl },
      stdio: ['ignore', log, log],
      detached: true,
    });
    preview.unref();
    pids.push(preview.pid);
    baseURL = `http://127.0.0.1:${previewPort}`;
    servedBy = 'vite-preview';
    await waitFor(`${baseURL}/`, 30_000);
  }
  // The seed queues a full recompute; wait until the in-process worker has written progress.
  await waitFor(`${apiUrl}/graphql`, 60_000, () => true);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const r = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({ query: '{ progress(first: 1) { totalCount } }' }),
    });
    const body = (await r.json()) as { data?: { progress?: { totalCount: number } } };
    if ((body.data?.progress?.totalCount ?? 0) > 0) break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  const setPassword = await fetch(`${apiUrl}/auth/set-password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ token: linkToken, password: person.password }),
  });
  if (!setPassword.ok) throw new Error(`set-password answered ${setPassword.status}: ${await setPassword.text()}`);
  process.env.E2E_BASE_URL = baseURL;
  writeFileSync(stateFile, JSON.stringify({ baseURL, apiUrl, servedBy, tokens, person, pids, tmp }, null, 2));
  console.log(`e2e: API ${apiUrl}, app served by ${servedBy} at ${baseURL}, data in ${tmp}`);
  } catch (error) {
    stopAll(); // the processes this setup started, and only those
    throw error;
  }
}
