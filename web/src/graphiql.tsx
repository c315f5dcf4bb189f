// GraphiQL bundled from the npm package with local assets (no CDN at run time); served by the API
// for browser GETs of /graphql.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';

const ws = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;

function headersFromEditor(): Record<string, string> {
  try {
    const raw = localStorage.getItem('graphiql:headers');
    return raw ? (JSON.parse(raw) as Record<string, string>) : {};
  } catch {
    return {};
  }
}

const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: ws,
  wsConnectionParams: headersFromEditor(),
});

const defaultHeaders = JSON.stringify({ Authorization: 'Bearer wz_…' }, null, 2);
const defaultQuery = `# Send your token: open "Headers" below and fill in {"Authorization": "Bearer wz_…"}.
{
  regions(first: 5) {
    nodes { code name members { code name } }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL fetcher={fetcher} defaultHeaders={defaultHeaders} defaultQuery={defaultQuery} isHeadersEditorEnabled shouldPersistHeaders />,
);
