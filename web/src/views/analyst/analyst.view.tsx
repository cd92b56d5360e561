import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiFailure } from '../../api/http';
import { canTrade } from '../../api/session';
import { useApp } from '../../app-context';
import { Badge, Card, Empty, ErrorBox, Loading, StatusBadge } from '../../components/ui';
import { rupees } from '../../lib/format';
import { href } from '../../lib/route';
import { analystApi, ask, type AnalystEvent, type Citation, type Proposal } from './analyst-api';

/** "Ask the analyst": a streamed answer, the tools it used, its citations as links into the audit view, and proposals. */
export default function AnalystView() {
  const { session, accountId } = useApp();
  const status = useQuery({ queryKey: ['analyst', 'status'], queryFn: ({ signal }) => analystApi.status(signal) });
  if (status.isLoading) return <Loading />;
  if (status.error) return <ErrorBox error={status.error} retry={() => void status.refetch()} />;
  if (!status.data?.enabled) {
    return (
      <div className="view" data-testid="analyst">
        <Card title="Ask the analyst">
          <div className="state state-empty" data-testid="analyst-disabled">
            <strong>The AI analyst is disabled.</strong>
            {/* The api's message already says "disabled": only its reason and remedy are shown, once. */}
            <span>{enableHint(status.data?.message)}</span>
          </div>
        </Card>
      </div>
    );
  }
  return (
    <div className="view" data-testid="analyst">
      <Questions accountId={accountId} model={status.data.model} />
      {accountId ? <Proposals accountId={accountId} canDecide={canTrade(session)} /> : <Empty>Choose an account to see its proposals.</Empty>}
    </div>
  );
}

const ENABLE_HINT = 'To enable it, set ANTHROPIC_API_KEY in the environment of the api and restart it; docs/analyst.md says what is sent to the provider.';

/** The server's "The AI analyst is disabled: <how to enable>" without its first clause (the heading says it). */
export function enableHint(message: string | null | undefined): string {
  const rest = (message ?? '').replace(/^[^:]*\bdisabled\b[^:]*:\s*/i, '').trim();
  if (rest === '' || /\bdisabled\b/i.test(rest)) return ENABLE_HINT;
  return `To enable it, ${rest.charAt(0).toLowerCase()}${rest.slice(1)}`;
}

function Questions({ accountId, model }: { accountId: string | null; model: string | null }) {
  const client = useQueryClient();
  const [question, setQuestion] = useState('');
  const [events, setEvents] = useState<AnalystEvent[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);

  async function submit() {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setEvents([]);
    setFailure(null);
    setBusy(true);
    try {
      await ask({ question, ...(accountId ? { accountId } : {}) }, (event) => setEvents((all) => [...all, event]), controller.signal);
    } catch (error) {
      if ((error as { name?: string }).name !== 'AbortError') setFailure(error);
    } finally {
      setBusy(false);
      void client.invalidateQueries({ queryKey: ['analyst', 'proposals'] });
    }
  }

  const text = events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
  const tools = events.filter((e): e is Extract<AnalystEvent, { type: 'tool_call' }> => e.type === 'tool_call');
  const results = new Map(events.filter((e): e is Extract<AnalystEvent, { type: 'tool_result' }> => e.type === 'tool_result').map((e) => [e.toolUseId, e]));
  const answer = events.find((e): e is Extract<AnalystEvent, { type: 'answer' }> => e.type === 'answer')?.answer;
  const error = events.find((e): e is Extract<AnalystEvent, { type: 'error' }> => e.type === 'error');
  const started = events.find((e): e is Extract<AnalystEvent, { type: 'started' }> => e.type === 'started');

  return (
    <Card title="Ask the analyst" actions={model ? <Badge tone="info">{model}</Badge> : null}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <textarea value={question} onChange={(e) => setQuestion(e.target.value)} rows={3} maxLength={2000} style={{ width: '100%' }} placeholder="Why did my cash drop this morning?" data-testid="analyst-question" />
        <button type="submit" className="btn" disabled={busy || question.trim() === ''} data-testid="analyst-ask">
          {busy ? 'Thinking…' : 'Ask'}
        </button>
      </form>
      {failure !== null && <ErrorBox error={failure instanceof ApiFailure ? failure : new ApiFailure(0, 'ANALYST_FAILED', String(failure))} />}
      {tools.length > 0 && (
        <ul className="analyst-tools" data-testid="analyst-tools">
          {tools.map((t) => (
            <li key={t.toolUseId}>
              <code>{t.tool}</code> {JSON.stringify(t.input)} {results.get(t.toolUseId) ? (results.get(t.toolUseId)?.ok ? '✓' : `✗ ${results.get(t.toolUseId)?.errorCode}`) : '…'}
            </li>
          ))}
        </ul>
      )}
      {text && (
        <p className="analyst-answer" data-testid="analyst-answer" style={{ whiteSpace: 'pre-wrap' }}>
          {text}
        </p>
      )}
      {error && (
        <p className="error" data-testid="analyst-error">
          {error.code}: {error.message}
        </p>
      )}
      {answer && answer.citations.length > 0 && (
        <div data-testid="analyst-citations">
          Sources: {answer.citations.map((c) => <CitationLink key={c.ref} citation={c} />)}
        </div>
      )}
      {started && (
        <small>
          This question is recorded in <a href={href('audit', [], { stream: started.streamName })}>{started.streamName}</a>
          {answer ? ` · ${answer.rounds} rounds · ${answer.usage.inputTokens}+${answer.usage.outputTokens} tokens · ${Math.round(answer.latencyMs)} ms` : ''}
        </small>
      )}
    </Card>
  );
}

/** A citation opens the audit view on its stream; a reference the tools never returned, or that is not in the log, is flagged. */
function CitationLink({ citation }: { citation: Citation }) {
  const trusted = citation.seen && citation.exists;
  const title = trusted ? `${citation.eventType ?? ''} ${citation.streamName ?? ''}@${citation.streamRevision ?? ''}` : citation.exists ? 'not returned by any tool for this question' : 'no such event in the log';
  const label = <Badge tone={trusted ? 'info' : 'warn'} title={title}>{citation.ref}</Badge>;
  return citation.streamName ? <a href={href('audit', [], { stream: citation.streamName })} data-testid="analyst-citation">{label}</a> : label;
}

function Proposals({ accountId, canDecide }: { accountId: string; canDecide: boolean }) {
  const client = useQueryClient();
  const { notify } = useApp();
  const proposals = useQuery({ queryKey: ['analyst', 'proposals', accountId], queryFn: ({ signal }) => analystApi.proposals(accountId, signal) });
  const done = (message: string) => {
    notify(message);
    void client.invalidateQueries({ queryKey: ['analyst', 'proposals'] });
    void client.invalidateQueries({ queryKey: ['orders'] });
  };
  const failed = (error: unknown) => notify(error instanceof Error ? error.message : String(error), 'bad');
  const approve = useMutation({ mutationFn: (id: string) => analystApi.approve(id), onSuccess: (r) => done(`Order ${r.orderId} placed`), onError: failed });
  const reject = useMutation({ mutationFn: ({ id, reason }: { id: string; reason: string }) => analystApi.reject(id, reason), onSuccess: () => done('Proposal rejected'), onError: failed });

  if (proposals.isLoading) return <Loading />;
  if (proposals.error) return <ErrorBox error={proposals.error} retry={() => void proposals.refetch()} />;
  const items: Proposal[] = proposals.data?.items ?? [];
  return (
    <Card title="Proposals">
      {items.length === 0 ? (
        <Empty>No proposals for this account. The analyst only suggests; a trader approves.</Empty>
      ) : (
        <table data-testid="analyst-proposals">
          <tbody>
            {items.map((p) => (
              <tr key={p.proposalId}>
                <td>
                  {p.order.side} {p.order.quantity} {p.order.instrument} {p.order.orderType}
                  {p.order.limitPricePaise !== null ? ` @ ${rupees(p.order.limitPricePaise)}` : ''}
                </td>
                <td>{p.rationale}</td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td>
                  {canDecide && p.status === 'PROPOSED' && (
                    <>
                      <button type="button" className="btn btn-small" disabled={approve.isPending} onClick={() => approve.mutate(p.proposalId)} data-testid="proposal-approve">
                        Approve
                      </button>
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        disabled={reject.isPending}
                        onClick={() => {
                          const reason = window.prompt('Why reject this proposal?');
                          if (reason) reject.mutate({ id: p.proposalId, reason });
                        }}
                        data-testid="proposal-reject"
                      >
                        Reject
                      </button>
                    </>
                  )}
                  {p.orderId && <a href={href('orders', [], {})}>order {p.orderId.slice(0, 8)}</a>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
