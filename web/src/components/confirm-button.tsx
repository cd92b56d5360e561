import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A button for an action that cannot be undone (cancel an order, close a position, stop a strategy, rebuild a
 * projection): the first click asks, in place, what is about to happen; only "Yes" runs it, "No" or Escape keeps
 * things as they are.
 */
export function ConfirmButton({
  children,
  question,
  confirmLabel,
  onConfirm,
  className = 'btn btn-small btn-danger',
  disabled,
  testId,
  title,
}: {
  children: ReactNode;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
  disabled?: boolean;
  testId?: string;
  title?: string;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className={className} disabled={disabled} onClick={() => setAsking(true)} data-testid={testId} title={title}>
        {children}
      </button>
    );
  }
  return (
    <span className="confirm" role="alertdialog" aria-label={question} data-testid="confirm" onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        ref={yes}
        className="btn btn-small btn-danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid="confirm-yes"
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setAsking(false)} data-testid="confirm-no">
        No
      </button>
    </span>
  );
}
