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

// Ports from E2E_PORTS ("first-last", default 18800-18899), so parallel runs on one machine can
// be given ranges of their own; the first one free is taken.
const [firstPort, lastPort] = (process.env.E2E_PORTS ?? '18800-18899').split('-').map(Number) as [number, number];
const taken = new Set<number>();

function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const server = createServer();
    server.unref();
    server.on('error', () => ok(false));
    server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
  });
}

async function freePort(): Promise<number> {
  for (let port = firstPort; port <= lastPort; port++) {
    if (!taken.has(port) && (await portFree(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${firstPort}-${lastPort} (E2E_PORTS)`);
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
  // Two more origins for the CORS test: the app served from one the API lists, and from one it does not.
  const corsAllowedPort = await freePort();
  const corsOtherPort = await freePort();
  const corsAllowed = `http://127.0.0.1:${corsAllowedPort}`;
  const corsOther = `http://127.0.0.1:${corsOtherPort}`;
  const env = {
    ...process.env,
    WOONZORG_DATABASE_URL: `sqlite:///${join(tmp, 'e2e.db')}`,
    WOONZORG_DATA_DIR: tmp,
    WOONZORG_BROKER_URL: 'memory://',
    WOONZORG_PUBLIC_READ: 'true',
    WOONZORG_PORT: String(apiPort),
    WOONZORG_HOST: '127.0.0.1',
    WOONZORG_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    WOONZORG_CORS_ORIGINS: corsAllowed,
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
  for (const port of [corsAllowedPort, corsOtherPort]) {
    const server = spawn(process.execPath, [join(web, 'e2e', 'static-server.mjs'), String(port), join(web, 'dist'), apiUrl], { cwd: web, stdio: ['ignore', log, log], detached: true });
    server.unref();
    pids.push(server.pid);
  }
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
  // People of a municipality (gem-leiden, partner) and of its region's task force
  // (holland-rijnland), invited by the administrator through the API, as an administrator would.
  const people: Record<string, { email: string; password: string }> = {};
  for (const [key, organisation, role] of [
    ['partner', 'gem-leiden', 'PARTNER'],
    ['taskforce', 'holland-rijnland', 'TASKFORCE'],
  ] as const) {
    const email = `e2e-${key}@example.nl`;
    const invited = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({
        query: 'mutation($e: String!, $o: String!, $r: Role!) { inviteUser(email: $e, name: "E2E", organisation: $o, role: $r) { __typename ... on UserInvited { invitationLink } } }',
        variables: { e: email, o: organisation, r: role },
      }),
    });
    const answer = (await invited.json()) as { data?: { inviteUser?: { invitationLink?: string | null } } };
    const invitation = answer.data?.inviteUser?.invitationLink;
    if (!invitation) throw new Error(`inviting ${email} failed: ${JSON.stringify(answer)}`);
    const chosen = `e2e-${Math.random().toString(36).slice(2)}-wachtwoord`;
    const set = await fetch(`${apiUrl}/auth/set-password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: new URL(invitation).searchParams.get('token'), password: chosen }),
    });
    if (!set.ok) throw new Error(`set-password for ${email} answered ${set.status}: ${await set.text()}`);
    people[key] = { email, password: chosen };
  }
  await waitFor(`${corsAllowed}/`, 30_000);
  await waitFor(`${corsOther}/`, 30_000);
  process.env.E2E_BASE_URL = baseURL;
  writeFileSync(stateFile, JSON.stringify({ baseURL, apiUrl, servedBy, tokens, person, people, cors: { allowed: corsAllowed, other: corsOther }, pids, tmp }, null, 2));
  console.log(`e2e: API ${apiUrl}, app served by ${servedBy} at ${baseURL}, data in ${tmp}`);
  } catch (error) {
    stopAll(); // the processes this setup started, and only those
    throw error;
  }
}
