import { useLive } from '../live/live';

const LABEL = {
  connecting: ['Connecting…', 'neutral', 'Opening the live connection'],
  live: ['Live', 'good', 'Figures update as events arrive'],
  stale: ['Stale · reconnecting', 'warn', 'The live connection dropped: figures shown may be out of date until it reconnects'],
  polling: ['Polling', 'info', 'No live feed from this server: figures refresh every few seconds'],
} as const;

export function LiveBadge() {
  const { status } = useLive();
  const [label, tone, title] = LABEL[status];
  return (
    <span className={`badge badge-${tone} live-badge`} title={title} data-testid="live-status" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** Marks a block of figures as possibly out of date while the live connection is down. */
export function StaleMark() {
  const { status } = useLive();
  if (status !== 'stale') return null;
  return (
    <span className="badge badge-warn" data-testid="stale" title="The live connection dropped; these figures are the last ones received">
      stale
    </span>
  );
}
