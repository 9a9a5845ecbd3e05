import './jitless';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from './layout';
import { AuditPage } from './pages/audit';
import { NotFoundPage } from './pages/not-found';
import { ServersPage } from './pages/servers';
import { SessionProvider } from './session';
import './styles.css';

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/servers" replace /> },
      { path: 'servers', element: <ServersPage /> },
      // The form library loads with the first playground, not with the sign-in page.
      {
        path: 'servers/:name',
        lazy: async () => ({ Component: (await import('./pages/playground')).PlaygroundPage }),
      },
      {
        path: 'servers/:name/resources',
        lazy: async () => ({ Component: (await import('./pages/resources')).ResourcesPage }),
      },
      {
        path: 'servers/:name/prompts',
        lazy: async () => ({ Component: (await import('./pages/prompts')).PromptsPage }),
      },
      { path: 'audit', element: <AuditPage /> },
      // uPlot loads with the first metrics visit; the page is not at /metrics, the gateway's Prometheus text.
      { path: 'charts', lazy: async () => ({ Component: (await import('./pages/metrics')).MetricsPage }) },
      // jsdiff and the page's styles load with the Schema Registry page.
      {
        path: 'registry',
        lazy: async () => ({ Component: (await import('./pages/registry')).RegistryPage }),
      },
      // The file preview's highlighter and the zip library load with the generator, not before.
      {
        path: 'generator',
        lazy: async () => ({ Component: (await import('./pages/generator')).GeneratorPage }),
      },
      {
        path: 'assistant',
        lazy: async () => ({ Component: (await import('./pages/assistant')).AssistantPage }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

// A refusal does not get better by asking again; the person retries.
const queries = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
