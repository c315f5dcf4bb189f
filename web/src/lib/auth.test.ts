import { can, getSession, organisationFromDisposition, signIn, signOut, SignInError, tokenPrefix } from './auth';

const TOKEN = 'wz_AbCdEfGhIj_abcdefghijklmnopqrstuvwxyz012345';

function fakeApi(role: 'admin' | 'taskforce' | 'partner' | 'viewer'): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.startsWith('/submissions/template')) {
      return role === 'viewer'
        ? new Response(JSON.stringify({ error: { code: 'forbidden', message: 'a viewer token cannot do this' } }), { status: 403 })
        : new Response('indicator;gemeente', { status: 200, headers: { 'Content-Disposition': 'attachment; filename="woonzorgmonitor-gem-leiden-2025.csv"' } });
    }
    const query = JSON.parse(String(init?.body)).query as string;
    const allowed = query.includes('sources') ? role === 'admin' : role === 'admin' || role === 'taskforce';
    return new Response(JSON.stringify(allowed ? { data: { x: { totalCount: 0 } } } : { data: null, errors: [{ message: 'no', path: ['x'] }] }), { status: 200 });
  }) as typeof fetch;
}

describe('sign-in with an API token', () => {
  afterEach(() => signOut());

  it.each(['admin', 'taskforce', 'partner', 'viewer'] as const)('learns the role %s from what the token may do', async (role) => {
    const session = await signIn(`  ${TOKEN} `, fakeApi(role));
    expect(session.role).toBe(role);
    expect(session.prefix).toBe('AbCdEfGhIj');
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
