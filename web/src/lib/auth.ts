// All authentication lives here, so cookie sessions can replace bearer tokens later without
// touching the pages: the GraphQL client asks `authHeaders()` / `wsConnectionParams()`, pages ask
// `useSession()` and `can()`.
//
// Two identities: an API token (`Authorization: Bearer wz_…`), pasted at sign-in, or a person's
// cookie session (`POST /auth/sign-in` with e-mail and password; every POST then carries
// `X-CSRF-Token` from the readable woonzorg_csrf cookie). What is known of the session is kept in
// sessionStorage (this tab only). GraphQL `me` says who is asking (role, organisation).
import { useSyncExternalStore } from 'react';
import { apiUrl } from './api';

export type Role = 'admin' | 'taskforce' | 'partner' | 'viewer';

export interface Session {
  /** The API token; null for a person signed in with e-mail and password (cookie session). */
  token: string | null;
  /** How this session signs its requests: a bearer token, or the session cookie plus CSRF header. */
  via?: 'token' | 'cookie';
  /** The CSRF token of a cookie session (also readable from the woonzorg_csrf cookie). */
  csrf?: string | null;
  /** The signed-in person's e-mail address (cookie sessions). */
  email?: string | null;
  /** The token's public prefix (wz_<prefix>_…), safe to show. */
  prefix: string;
  role: Role | null;
  /** The token's organisation code, when the API revealed it. */
  organisation: string | null;
}

const KEY = 'woonzorg.session';
const TOKEN_FORMAT = /^wz_([A-Za-z0-9]{10})_[A-Za-z0-9_-]{20,}$/;

let current: Session | null = read();
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function emit() {
  for (const listener of listeners) listener();
}

export function getSession(): Session | null {
  return current;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

export function setSession(session: Session | null): void {
  current = session;
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage unavailable: the session lasts until reload */
  }
  emit();
}

export function signOut(fetcher: typeof fetch = fetch): void {
  const was = current;
  setSession(null);
  if (was && !was.token) {
    // End the cookie session on the server too (the cookie is worthless afterwards).
    void fetcher(apiUrl('/auth/sign-out'), { method: 'POST', headers: { 'X-CSRF-Token': csrfToken(was) ?? '' }, credentials: 'same-origin' }).catch(() => undefined);
  }
}

/** The identity a GraphQL client belongs to (a token, a person's cookie session, or nobody). */
export function identityOf(session: Session | null): string | null {
  if (!session) return null;
  return session.token ?? `cookie:${session.email ?? session.organisation ?? ''}`;
}

function cookie(name: string): string | null {
  try {
    for (const part of document.cookie.split(';')) {
      const [key, ...value] = part.trim().split('=');
      if (key === name) return decodeURIComponent(value.join('='));
    }
  } catch {
    /* no document (tests) */
  }
  return null;
}

function csrfToken(session: Session): string | null {
  return cookie('woonzorg_csrf') ?? session.csrf ?? null;
}

/** Headers for HTTP requests to the API (GraphQL, uploads, templates). */
export function authHeaders(): Record<string, string> {
  if (!current) return {};
  if (current.token) return { Authorization: `Bearer ${current.token}` };
  const csrf = csrfToken(current);
  return csrf ? { 'X-CSRF-Token': csrf } : {};
}

/** The graphql-transport-ws connection payload (a cookie session's socket carries the cookie). */
export function wsConnectionParams(): Record<string, string> {
  return current?.token ? { Authorization: `Bearer ${current.token}` } : {};
}

export function tokenPrefix(token: string): string | null {
  const match = TOKEN_FORMAT.exec(token.trim());
  return match ? (match[1] ?? null) : null;
}

export class SignInError extends Error {
  constructor(public readonly reason: 'format' | 'refused' | 'network' | 'tooMany', message?: string) {
    super(message ?? reason);
  }
}

const ME_QUERY = 'query Me { me { role organisationCode via tokenPrefix } }';

type MeAnswer = { role: string; organisationCode: string; via: string; tokenPrefix: string | null };

function roleOf(value: string | undefined): Role | null {
  const role = value?.toLowerCase();
  return role === 'admin' || role === 'taskforce' || role === 'partner' || role === 'viewer' ? role : null;
}

/** Check a token with the API and ask it who this is (`me`); stores the session when it is valid. */
export async function signIn(rawToken: string, fetcher: typeof fetch = fetch): Promise<Session> {
  const token = rawToken.trim();
  const prefix = tokenPrefix(token);
  if (!prefix) throw new SignInError('format');
  const response = await fetcher(apiUrl('/graphql'), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query: ME_QUERY }),
  }).catch((error: unknown) => {
    throw new SignInError('network', String(error));
  });
  if (response.status === 401 || response.status === 403) throw new SignInError('refused');
  const body = (await response.json().catch(() => ({}))) as { data?: { me?: MeAnswer | null } | null };
  const me = body.data?.me;
  if (!response.ok || !me) throw new SignInError('refused');
  const session: Session = { token, via: 'token', prefix: me.tokenPrefix ?? prefix, role: roleOf(me.role), organisation: me.organisationCode };
  setSession(session);
  return session;
}

/**
 * Sign a person in with e-mail and password (`POST /auth/sign-in`): the API sets the HttpOnly
 * session cookie and the readable CSRF cookie; `me` then says the role and organisation.
 */
export async function signInWithPassword(email: string, password: string, fetcher: typeof fetch = fetch): Promise<Session> {
  const answer = await fetcher(apiUrl('/auth/sign-in'), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ email: email.trim(), password }),
  }).catch((error: unknown) => {
    throw new SignInError('network', String(error));
  });
  if (answer.status === 429) throw new SignInError('tooMany');
  if (!answer.ok) throw new SignInError('refused');
  const body = (await answer.json().catch(() => ({}))) as { signedIn?: boolean; csrfToken?: string; user?: { email?: string } };
  if (!body.signedIn) throw new SignInError('refused');
  const csrf = cookie('woonzorg_csrf') ?? body.csrfToken ?? null;
  const response = await fetcher(apiUrl('/graphql'), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
    body: JSON.stringify({ query: ME_QUERY }),
  }).catch((error: unknown) => {
    throw new SignInError('network', String(error));
  });
  const result = (await response.json().catch(() => ({}))) as { data?: { me?: MeAnswer | null } | null };
  const me = result.data?.me;
  if (!response.ok || !me) throw new SignInError('refused');
  const session: Session = { token: null, via: 'cookie', csrf, email: body.user?.email ?? email.trim(), prefix: '', role: roleOf(me.role), organisation: me.organisationCode };
  setSession(session);
  return session;
}

/** The organisation code from `attachment; filename="woonzorgmonitor-<code>-<period>.csv"`. */
export function organisationFromDisposition(value: string | null): string | null {
  const match = value ? /filename="woonzorgmonitor-(.+)-[^-]+\.(csv|xlsx)"/.exec(value) : null;
  return match ? (match[1] ?? null) : null;
}

/** What a role may do; the API checks again and its refusals are shown, never swallowed. */
export type Ability =
  | 'submit'
  | 'submitForAnyOrganisation'
  | 'review'
  | 'reportMeasureStatus'
  | 'administer'
  | 'readAudit'
  | 'readMissingReports'
  | 'downloadTemplate'
  | 'editProjects'
  | 'editProjectsOfAnyOrganisation'
  | 'manageOrganisations'
  | 'manageScopes'
  | 'manageObligations'
  | 'managePeople'
  | 'manageTokens'
  | 'manageWebhooks'
  | 'readWorkerStatus';

// As the API's rules say (README "Roles, scopes and tokens"): people, tokens and webhooks of one's
// own organisation for every role but viewers; obligations within a task force's area; scopes,
// organisations and the worker status for administrators only.
const ownOrganisation: Ability[] = ['readMissingReports', 'downloadTemplate', 'editProjects', 'managePeople', 'manageTokens', 'manageWebhooks', 'reportMeasureStatus'];
const abilities: Record<Role, Ability[]> = {
  admin: [
    ...ownOrganisation,
    'submit',
    'submitForAnyOrganisation',
    'review',
    'administer',
    'readAudit',
    'editProjectsOfAnyOrganisation',
    'manageOrganisations',
    'manageScopes',
    'manageObligations',
    'readWorkerStatus',
  ],
  taskforce: [...ownOrganisation, 'review', 'readAudit', 'manageObligations'],
  partner: [...ownOrganisation, 'submit'],
  viewer: [],
};

/** The management pages a role may open (the "Beheer" section shows only these). */
export const manageAbilities: Ability[] = ['readMissingReports', 'manageOrganisations', 'manageScopes', 'manageObligations', 'managePeople', 'manageTokens', 'manageWebhooks', 'readWorkerStatus', 'administer'];

export function can(session: Session | null, ability: Ability): boolean {
  return !!session?.role && abilities[session.role].includes(ability);
}
