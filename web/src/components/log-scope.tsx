import { useMemo, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { LIVE_LOG, runLog, type LogSource } from '../api/log-source';
import { useApp } from '../app-context';
import { href } from '../lib/route';
import { CopyText } from './copy-text';
import { QueryView } from './ui';

export interface LogScopeValue {
  source: LogSource;
  /** The live view's chosen account, or the run's account. */
  accountId: string | null;
}

/** The address's `run` parameter (#/audit?run=<runId>) puts a log view on that backtest run. */
export function useRunParam(): string | undefined {
  return useApp().route.params.get('run') ?? undefined;
}

/** The log a view reads: live, or the run its address names (with a banner saying so and a way back to live). */
export function LogScope({ children }: { children: (scope: LogScopeValue) => ReactNode }) {
  const { accountId } = useApp();
  const runId = useRunParam();
  if (!runId) return <>{children({ source: LIVE_LOG, accountId })}</>;
  return <RunScope runId={runId}>{children}</RunScope>;
}

function RunScope({ runId, children }: { runId: string; children: (scope: LogScopeValue) => ReactNode }) {
  const source = useMemo(() => runLog(runId), [runId]);
  const run = useQuery({ queryKey: ['backtests', runId], queryFn: ({ signal }) => api.backtest(runId, signal), staleTime: Infinity });
  // The run's account is the one account of its log.
  const end = useQuery({ queryKey: [source.key, 'portfolio'], queryFn: ({ signal }) => source.portfolio('', signal), staleTime: Infinity });
  return (
    <>
      <RunBanner runId={runId} hash={run.data?.hash ?? null} kind={run.data?.kind ?? null} />
      <QueryView query={end} what="The run's account">
        {(p) => children({ source, accountId: p.accountId })}
      </QueryView>
    </>
  );
}

function RunBanner({ runId, hash, kind }: { runId: string; hash: string | null; kind: string | null }) {
  const { route } = useApp();
  const live = Object.fromEntries([...route.params.entries()].filter(([k]) => k !== 'run'));
  return (
    <div className="run-banner" role="note" data-testid="run-banner" data-run-id={runId}>
      <span>
        <strong>Backtest run</strong> {kind && <span className="muted">{kind} · </span>}
        <CopyText text={runId} testId="run-banner-id" /> {hash && <>· hash <CopyText text={hash} short={12} testId="run-banner-hash" /></>}
        <span className="muted small"> · this view reads the run's own log, not live data</span>
      </span>
      <span className="row">
        <a href={href('backtests', [], { selected: runId })}>the run</a>
        <a className="btn btn-small" href={href(route.view, route.rest, live)} data-testid="back-to-live">
          Back to live
        </a>
      </span>
    </div>
  );
}
