import { useCallback, useRef, useState } from 'react';
import { api } from '../api/endpoints';
import type { Account, Order } from '../api/types';
import { quantity, rupees } from '../lib/format';
import { noticeTrigger, type NoticeKind, type NoticeTrigger } from '../live/notifications';
import { useLiveUpdates } from '../live/live';

interface Notice {
  key: string;
  kind: NoticeKind;
  title: string;
  text: string;
}

const MAX_SHOWN = 4;
const FILL_SHOWN_MS = 30_000;
const TITLES: Record<NoticeKind, string> = { fill: 'Fill', rejection: 'Order rejected', halt: 'Trading halted' };

function orderText(kind: NoticeKind, o: Order): string {
  if (kind === 'rejection') return `${o.side} ${quantity(o.quantity)} ${o.instrument}: ${o.rejectReason ?? o.rejectReasonCode ?? 'refused'}`;
  const last = o.fills[o.fills.length - 1];
  const part = o.filledQuantity < o.quantity ? ` (${quantity(o.filledQuantity)} of ${quantity(o.quantity)} filled)` : '';
  return last ? `${o.side} ${quantity(last.quantity)} ${o.instrument} at ${rupees(last.pricePaise)}${part}` : `${o.side} ${o.instrument}: ${quantity(o.filledQuantity)} filled`;
}

async function describe(trigger: NoticeTrigger): Promise<Notice> {
  const base = { key: trigger.key, kind: trigger.kind, title: TITLES[trigger.kind] };
  try {
    if (trigger.collection === 'orders') return { ...base, text: orderText(trigger.kind, await api.order(trigger.id)) };
    const account: Account = await api.account(trigger.id);
    return { ...base, text: `${account.name}: ${account.haltReason ?? 'no new orders are accepted'}` };
  } catch {
    // The document cannot be read (access, network): the notice still says what happened.
    return { ...base, text: trigger.collection === 'orders' ? `order ${trigger.id.slice(0, 8)}` : `account ${trigger.id.slice(0, 8)}` };
  }
}

/** Fills, rejections and halts of the selected account as they arrive on the live feed; each stays until dismissed. */
export function Notifications() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const seen = useRef(new Set<string>());
  useLiveUpdates(
    useCallback((update: unknown) => {
      const trigger = noticeTrigger(update);
      if (!trigger || seen.current.has(trigger.key)) return;
      seen.current.add(trigger.key);
      void describe(trigger).then((notice) => {
        setNotices((list) => [notice, ...list].slice(0, MAX_SHOWN));
        // Fills come in streams: they go by themselves after a while; rejections and halts stay until dismissed.
        if (notice.kind === 'fill') window.setTimeout(() => setNotices((list) => list.filter((n) => n.key !== notice.key)), FILL_SHOWN_MS);
      });
    }, []),
  );
  const dismiss = (key: string) => setNotices((list) => list.filter((n) => n.key !== key));
  if (notices.length === 0) return null;
  return (
    <div className="notifications" aria-live="polite" data-testid="notifications">
      {notices.map((n) => (
        <div key={n.key} className={`notice notice-${n.kind}`} role="status" data-testid="notification" data-kind={n.kind}>
          <div className="notice-body">
            <strong className="notice-title">{n.title}</strong>
            <span className="notice-text">{n.text}</span>
          </div>
          <button type="button" className="btn btn-ghost btn-small notice-close" aria-label={`Dismiss: ${n.title}`} onClick={() => dismiss(n.key)} data-testid="notification-dismiss">
            ×
          </button>
        </div>
      ))}
      {notices.length > 1 && (
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setNotices([])} data-testid="notifications-clear">
          Dismiss all
        </button>
      )}
    </div>
  );
}
