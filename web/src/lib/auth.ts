// All authentication lives here, so cookie sessions can replace bearer tokens later without
// touching the pages: the GraphQL client asks `authHeaders()` / `wsConnectionParams()`, pages ask
// `useSession()` and `can()`.
//
// Today the only identity is an API token (`Authorization: Bearer wz_…`), pasted at sign-in and
// kept in sessionStorage (this tab only). The API has no "who am I" query, so the role is derived
// from what the token may do (two GraphQL requests and one template request, in parallel).
import { useSyncExternalStore } from 'react';

export type Role = 'admin' | 'taskforce' | 'partner' | 'viewer';

export interface Session {
  token: string;
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

export function signOut(): void {
  setSession(null);
}

/** Headers for HTTP requests to the API (GraphQL, uploads, templates). */
export function authHeaders(): Record<string, string> {
  return current ? { Authorization: `Bearer ${current.token}` } : {};
}

/** The graphql-transport-ws connection payload. */
export function wsConnectionParams(): Record<string, string> {
  return current ? { Authorization: `Bearer ${current.token}` } : {};
}

export function tokenPrefix(token: string): string | null {
  const match = TOKEN_FORMAT.exec(token.trim());
  return match ? (match[1] ?? null) : null;
}

export class SignInError extends Error {
  constructor(public readonly reason: 'format' | 'refused' | 'network', message?: string) {
    super(message ?? reason);
  }
}

/** Check a token with the API and learn what it may do; stores the session when it is valid. */
export async function signIn(rawToken: string, fetcher: typeof fetch = fetch): Promise<Session> {
  const token = rawToken.trim();
  const prefix = tokenPrefix(token);
  if (!prefix) throw new SignInError('format');
  const headers = { Authorization: `Bearer ${token}` };
  // Each probe is its own request: a refused non-null root field nulls the whole answer, and the
  // server then does not always report the other field's refusal.
  const ask = (query: string) =>
    fetcher('/graphql', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
  const [adminProbe, auditProbe, template] = await Promise.all([
    ask('query MayReadSources { sources(first: 0) { totalCount } }'),
    ask('query MayReadAudit { auditEvents(first: 0) { totalCount } }'),
    fetcher('/submissions/template?format=csv', { method: 'GET', headers }),
  ]).catch((error: unknown) => {
    throw new SignInError('network', String(error));
  });
  if (adminProbe.status === 401) throw new SignInError('refused');
  const allowed = async (response: Response) => {
    const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: unknown[] };
    return response.ok && !body.errors?.length && !!body.data;
  };
  const organisation = organisationFromDisposition(template.headers.get('Content-Disposition'));
  let role: Role;
  if (await allowed(adminProbe)) role = 'admin';
  else if (await allowed(auditProbe)) role = 'taskforce';
  else if (template.ok) role = 'partner';
  else role = 'viewer';
  const session: Session = { token, prefix, role, organisation };
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
  | 'downloadTemplate';

const abilities: Record<Role, Ability[]> = {
  admin: ['submit', 'submitForAnyOrganisation', 'review', 'reportMeasureStatus', 'administer', 'readAudit', 'readMissingReports', 'downloadTemplate'],
  taskforce: ['review', 'reportMeasureStatus', 'readAudit', 'readMissingReports', 'downloadTemplate'],
  partner: ['submit', 'reportMeasureStatus', 'readMissingReports', 'downloadTemplate'],
  viewer: [],
};

export function can(session: Session | null, ability: Ability): boolean {
  return !!session?.role && abilities[session.role].includes(ability);
}
