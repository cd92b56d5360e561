import { useEffect, useState } from 'react';

/**
 * Hash routes (#/orders?status=OPEN): the api serves the bundle as static files with no fallback to index.html, so
 * paths must stay on "/".
 */
export const VIEWS = ['overview', 'positions', 'orders', 'strategies', 'audit', 'time-travel', 'operations', 'analyst', 'watchlist', 'option-chain', 'statement', 'backtests'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  /** Path segments after the view, e.g. a strategy id. */
  rest: string[];
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [first, ...rest] = path.split('/').filter(Boolean);
  const view = (VIEWS as readonly string[]).includes(first ?? '') ? (first as ViewName) : 'overview';
  return { view, rest: rest.map(decodeURIComponent), params: new URLSearchParams(query) };
}

export function href(view: ViewName, rest: string[] = [], params?: Record<string, string | undefined>): string {
  const path = [view, ...rest.map(encodeURIComponent)].join('/');
  const query = new URLSearchParams(Object.entries(params ?? {}).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}

export function navigate(view: ViewName, rest: string[] = [], params?: Record<string, string | undefined>): void {
  window.location.hash = href(view, rest, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
