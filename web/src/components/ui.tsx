import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiFailure, isForbidden } from '../api/http';
import { pnlClass } from '../lib/format';

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`}>
      {(title || actions) && (
        <header className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint, tone, testId }: { label: string; value: ReactNode; hint?: ReactNode; tone?: number | null; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${tone !== undefined ? pnlClass(tone) : ''}`}>{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

export function Badge({ children, tone = 'neutral', title }: { children: ReactNode; tone?: 'neutral' | 'good' | 'bad' | 'warn' | 'info'; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const STATUS_TONE: Record<string, 'neutral' | 'good' | 'bad' | 'warn' | 'info'> = {
  FILLED: 'good',
  OPEN: 'info',
  PARTIALLY_FILLED: 'info',
  TRIGGER_PENDING: 'warn',
  PLACED: 'neutral',
  ACCEPTED: 'neutral',
  REJECTED: 'bad',
  CANCELLED: 'neutral',
  EXPIRED: 'neutral',
  ACTIVE: 'good',
  PAUSED: 'warn',
  STOPPED: 'bad',
  REGISTERED: 'neutral',
  CLOSED: 'neutral',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status.replace(/_/g, ' ')}</Badge>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const failure = error instanceof ApiFailure ? error : null;
  const message = failure ? failure.message : error instanceof Error ? error.message : 'something went wrong';
  return (
    <div className="state state-error" role="alert">
      <strong>{failure?.status === 403 ? 'Your role cannot see this.' : 'Could not load.'}</strong>
      <span>
        {message}
        {failure?.code && <code className="code">{failure.code}</code>}
      </span>
      {failure?.correlationId && <span className="muted small">correlation id {failure.correlationId}</span>}
      {retry && (
        <button type="button" className="btn btn-small" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Loading, error and "forbidden" for one query; the data once there (kept while refetching). */
export function QueryView<T>({ query, what, children }: { query: UseQueryResult<T>; what: string; children: (data: T) => ReactNode }) {
  if (query.data !== undefined) {
    return (
      <>
        {query.isError && (
          <div className="inline-warning" role="status">
            {what}: showing the last figures, refreshing failed ({query.error instanceof Error ? query.error.message : 'error'}).
          </div>
        )}
        {children(query.data)}
      </>
    );
  }
  if (query.isPending) return <Loading />;
  if (isForbidden(query.error)) return <ErrorBox error={query.error} />;
  return <ErrorBox error={query.error} retry={() => void query.refetch()} />;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function Field({ label, error, children, htmlFor, hint }: { label: string; error?: string | null; children: ReactNode; htmlFor: string; hint?: ReactNode }) {
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {error ? (
        <div className="field-error" id={`${htmlFor}-error`} role="alert" data-testid={`error-${htmlFor}`}>
          {error}
        </div>
      ) : (
        hint && <div className="field-hint">{hint}</div>
      )}
    </div>
  );
}

export function Segmented<T extends string>({ value, options, onChange, label, name }: { value: T; options: readonly T[]; onChange: (v: T) => void; label: string; name: string }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <button
          key={option}
          type="button"
          role="radio"
          aria-checked={value === option}
          className={value === option ? 'on' : ''}
          data-testid={`${name}-${option}`}
          onClick={() => onChange(option)}
        >
          {option}
        </button>
      ))}
    </div>
  );
}
