import { lazy } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Provider } from 'urql';
import { Layout } from './components/Layout';
import { clientFor } from './lib/client';
import { RegionDashboardDocument } from './pages/region-queries';
import { fetchBoundaries } from './lib/boundaries';
import { getSession, identityOf, useSession } from './lib/auth';
import { I18nProvider } from './lib/i18n';
import { Home } from './pages/Home';

// Pages load on demand, so the first screen needs only the shell and the page it shows.
const RegionDashboard = lazy(() => import('./pages/RegionDashboard'));
const MunicipalityPage = lazy(() => import('./pages/MunicipalityPage'));
const TargetPage = lazy(() => import('./pages/TargetPage'));
const MeasuresBoard = lazy(() => import('./pages/MeasuresBoard'));
const PipelinePage = lazy(() => import('./pages/PipelinePage'));
const PartnerPage = lazy(() => import('./pages/PartnerPage'));
const TaskforcePage = lazy(() => import('./pages/TaskforcePage'));
const ProjectsPage = lazy(() => import('./pages/ProjectsPage'));
const ManageLayout = lazy(() => import('./pages/manage/ManageLayout'));
const ManageIndex = lazy(() => import('./pages/manage/ManageLayout').then((m) => ({ default: m.ManageIndex })));
const CalendarPage = lazy(() => import('./pages/manage/CalendarPage'));
const OrganisationsPage = lazy(() => import('./pages/manage/OrganisationsPage'));
const ScopesPage = lazy(() => import('./pages/manage/ScopesPage'));
const ObligationsPage = lazy(() => import('./pages/manage/ObligationsPage'));
const PeoplePage = lazy(() => import('./pages/manage/PeoplePage'));
const TokensPage = lazy(() => import('./pages/manage/TokensPage'));
const WebhooksPage = lazy(() => import('./pages/manage/WebhooksPage'));
const StatusPage = lazy(() => import('./pages/manage/StatusPage'));
const AuditPage = lazy(() => import('./pages/manage/AuditPage'));
const SignInPage = lazy(() => import('./pages/SignInPage'));
const AccountPage = lazy(() => import('./pages/AccountPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export const routes = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      {
        path: 'regio/:code',
        element: <RegionDashboard />,
        // Start the dashboard's first request and the map's boundaries while its code loads.
        loader: ({ params }: { params: { code?: string } }) => {
          if (params.code) void clientFor(identityOf(getSession())).query(RegionDashboardDocument, { code: params.code }).toPromise();
          void fetchBoundaries().catch(() => undefined);
          return null;
        },
      },
      { path: 'gemeente/:code', element: <MunicipalityPage /> },
      { path: 'doel/:id', element: <TargetPage /> },
      { path: 'maatregelen', element: <MeasuresBoard /> },
      { path: 'pijplijn', element: <PipelinePage /> },
      { path: 'pijplijn/:code', element: <PipelinePage /> },
      { path: 'aanleveren', element: <PartnerPage /> },
      { path: 'beoordelen', element: <TaskforcePage /> },
      { path: 'projecten', element: <ProjectsPage /> },
      {
        path: 'beheer',
        element: <ManageLayout />,
        children: [
          { index: true, element: <ManageIndex /> },
          { path: 'kalender', element: <CalendarPage /> },
          { path: 'organisaties', element: <OrganisationsPage /> },
          { path: 'bereik', element: <ScopesPage /> },
          { path: 'verplichtingen', element: <ObligationsPage /> },
          { path: 'mensen', element: <PeoplePage /> },
          { path: 'tokens', element: <TokensPage /> },
          { path: 'webhooks', element: <WebhooksPage /> },
          { path: 'status', element: <StatusPage /> },
          { path: 'logboek', element: <AuditPage /> },
        ],
      },
      { path: 'inloggen', element: <SignInPage /> },
      { path: 'account', element: <AccountPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

const router = createBrowserRouter(routes);

export function App() {
  const session = useSession();
  // A new client (and an empty cache) for every identity: what one token saw is not shown to another.
  const client = clientFor(identityOf(session));
  return (
    <I18nProvider>
      <Provider value={client}>
        <RouterProvider router={router} />
      </Provider>
    </I18nProvider>
  );
}
