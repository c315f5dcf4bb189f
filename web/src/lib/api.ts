// Where the API is: the page's own origin (the API serves the app), or the origin named in
// <meta name="woonzorg-api" content="https://api.example.nl"> when the app is served elsewhere
// (then the API must list the app's origin in WOONZORG_CORS_ORIGINS, and the app signs in with a
// token: a session cookie is not sent across sites).
function configuredBase(): string {
  try {
    const meta = document.querySelector('meta[name="woonzorg-api"]')?.getAttribute('content')?.trim();
    return meta ? meta.replace(/\/+$/, '') : '';
  } catch {
    return ''; // no document (tests)
  }
}

export const apiBase = configuredBase();

/** The URL of an API path ("/graphql", "/auth/sign-in", …). */
export function apiUrl(path: string): string {
  return `${apiBase}${path}`;
}

/** The WebSocket URL of /graphql (same origin, or the configured API's). */
export function wsUrl(): string {
  const base = new URL(apiBase || window.location.origin);
  return `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}/graphql`;
}
