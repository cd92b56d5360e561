import type { ViewName } from '../lib/route';

/** Line icons drawn inline (no icon font: glyphs such as ⏮ are missing from many system fonts). */
const PATHS: Record<ViewName, string> = {
  overview: 'M3 3h8v10H3zM13 3h8v6h-8zM13 11h8v10h-8zM3 15h8v6H3z',
  positions: 'M4 5h16M4 10h16M4 15h16M4 20h10',
  orders: 'M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6',
  strategies: 'M3 17l5-6 4 4 8-9M15 6h5v5',
  audit: 'M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM16 16l5 5',
  'time-travel': 'M12 3a9 9 0 1 1-9 9M3 4v5h5M12 7v5l3 3',
  analyst: 'M4 5h16v11H9l-5 4zM8 9h8M8 12h5',
  watchlist: 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z',
  'option-chain': 'M3 4h18v16H3zM12 4v16M3 9h18M3 14h18',
  statement: 'M6 3h9l4 4v14H6zM9 12h7M9 16h7M12 8v0',
  backtests: 'M3 20h18M5 16l4-5 3 3 4-6 3 4M5 4v12',
  operations: 'M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M14 4v4M8 10v4M16 16v4',
};

export function ViewIcon({ view }: { view: ViewName }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[view]} />
    </svg>
  );
}
