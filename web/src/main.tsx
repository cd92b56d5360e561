import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isForbidden } from './api/http';
import { App } from './app';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events and the poller decide when figures refresh; a window focus also does.
      staleTime: 10_000,
      // "Forbidden" is an answer, not a glitch: no retry storm for it.
      retry: (count, error) => !isForbidden(error) && count < 2,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
