import { authHeaders, can, getSession, identityOf, organisationFromDisposition, signIn, signInWithPassword, signOut, SignInError, tokenPrefix } from './auth';

const TOKEN = 'wz_AbCdEfGhIj_abcdefghijklmnopqrstuvwxyz012345';

function fakeApi(role: 'admin' | 'taskforce' | 'partner' | 'viewer'): typeof fetch {
  return (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const query = JSON.parse(String(init?.body)).query as string;
    expect(query).toContain('me');
    expect(new Headers(init?.headers).get('Authorization')).toBe(`Bearer ${TOKEN}`);
    const me = { role: role.toUpperCase(), organisationCode: 'gem-leiden', via: 'TOKEN', tokenPrefix: 'AbCdEfGhIj' };
    return new Response(JSON.stringify({ data: { me } }), { status: 200 });
  }) as typeof fetch;
}

describe('sign-in with an API token', () => {
  afterEach(() => signOut());

  it.each(['admin', 'taskforce', 'partner', 'viewer'] as const)('learns the role %s from `me`', async (role) => {
    const session = await signIn(`  ${TOKEN} `, fakeApi(role));
    expect(session.role).toBe(role);
    expect(session.prefix).toBe('AbCdEfGhIj');
    expect(session.organisation).toBe('gem-leiden');
    expect(getSession()?.token).toBe(TOKEN);
    expect(sessionStorage.getItem('woonzorg.session')).toContain('AbCdEfGhIj');
  });

  it('refuses a malformed token without asking the API', async () => {
    await expect(signIn('not-a-token', fakeApi('admin'))).rejects.toBeInstanceOf(SignInError);
    expect(getSession()).toBeNull();
  });

  it('reports a token the API refuses', async () => {
    const refusing = (async () => new Response('{}', { status: 401 })) as typeof fetch;
    await expect(signIn(TOKEN, refusing)).rejects.toMatchObject({ reason: 'refused' });
  });

  it('reads the organisation from the template file name', () => {
    expect(organisationFromDisposition('attachment; filename="woonzorgmonitor-gem-leiden-2025.csv"')).toBe('gem-leiden');
    expect(tokenPrefix(TOKEN)).toBe('AbCdEfGhIj');
  });

  it('offers a role only what it may do', () => {
    const base = { token: TOKEN, prefix: 'AbCdEfGhIj', organisation: null };
    expect(can({ ...base, role: 'viewer' }, 'submit')).toBe(false);
    expect(can({ ...base, role: 'partner' }, 'submit')).toBe(true);
    expect(can({ ...base, role: 'partner' }, 'review')).toBe(false);
    expect(can({ ...base, role: 'taskforce' }, 'review')).toBe(true);
    expect(can({ ...base, role: 'admin' }, 'administer')).toBe(true);
    expect(can(null, 'submit')).toBe(false);
  });
});

describe('sign-in with e-mail and password (cookie session)', () => {
  afterEach(() => signOut((async () => new Response(null, { status: 204 })) as typeof fetch));

  it('signs in, asks `me` with the CSRF header and sends it on every request afterwards', async () => {
    const seen: { url: string; csrf: string | null }[] = [];
    const api = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      seen.push({ url, csrf: new Headers(init?.headers).get('X-CSRF-Token') });
      if (url === '/auth/sign-in') {
        expect(JSON.parse(String(init?.body))).toEqual({ email: 'a@example.nl', password: 'geheim-geheim' });
        return new Response(JSON.stringify({ signedIn: true, csrfToken: 'csrf-1', user: { email: 'a@example.nl' } }), { status: 200 });
      }
      return new Response(JSON.stringify({ data: { me: { role: 'TASKFORCE', organisationCode: 'holland-rijnland', via: 'SESSION', tokenPrefix: null } } }), { status: 200 });
    }) as typeof fetch;
    const session = await signInWithPassword(' a@example.nl ', 'geheim-geheim', api);
    expect(session).toMatchObject({ token: null, via: 'cookie', role: 'taskforce', organisation: 'holland-rijnland', email: 'a@example.nl' });
    expect(seen.map((s) => s.url)).toEqual(['/auth/sign-in', '/graphql']);
    expect(seen[1]?.csrf).toBe('csrf-1');
    expect(authHeaders()).toEqual({ 'X-CSRF-Token': 'csrf-1' });
    expect(identityOf(getSession())).toBe('cookie:a@example.nl');
  });

  it('reports a wrong password and too many attempts', async () => {
    await expect(signInWithPassword('a@example.nl', 'x', (async () => new Response('{}', { status: 401 })) as typeof fetch)).rejects.toMatchObject({ reason: 'refused' });
    await expect(signInWithPassword('a@example.nl', 'x', (async () => new Response('{}', { status: 429 })) as typeof fetch)).rejects.toMatchObject({ reason: 'tooMany' });
    expect(getSession()).toBeNull();
  });
});
