import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { LIVE_LOG, type LogSource } from '../api/log-source';
import type { CausalNode } from '../api/types';
import { istDateTime, shortId } from '../lib/format';
import { href } from '../lib/route';
import { Loading, QueryView } from './ui';

/** The command behind an event a command appended itself (the log records events; the command is named from them). */
const COMMAND_OF_EVENT: Record<string, string> = {
  AccountOpened: 'OpenAccount',
  FundsDeposited: 'DepositFunds',
  FundsWithdrawn: 'WithdrawFunds',
  RiskLimitsSet: 'SetRiskLimits',
  TradingHalted: 'HaltTrading',
  TradingResumed: 'ResumeTrading',
  OrderPlaced: 'PlaceOrder',
  OrderRejected: 'PlaceOrder',
  OrderAccepted: 'PlaceOrder',
  OrderModified: 'ModifyOrder',
  OrderCancelled: 'CancelOrder',
  OrderExpired: 'ExpireOrder',
  OrderTriggered: 'TriggerOrder',
  OrderFilled: 'ReportFill',
  OrderPartiallyFilled: 'ReportFill',
  StrategyRegistered: 'RegisterStrategy',
  StrategyActivated: 'ActivateStrategy',
  StrategyPaused: 'PauseStrategy',
  StrategyStopped: 'StopStrategy',
  StrategyHalted: 'HaltStrategy',
  StrategyResumed: 'ResumeStrategy',
  StrategyParametersChanged: 'ChangeParameters',
  OrderProposed: 'ProposeOrder',
  OrderProposalApproved: 'ApproveProposal',
  OrderProposalRejected: 'RejectProposal',
  AnalystQuestionAsked: 'AskAnalyst',
};

/** Who sent a command, in words: a strategy's signal, the broker's feed, a person's key, the system. */
export function describeActor(actor: string, strategyName?: string): { text: string; strategyId: string | null } {
  if (actor.startsWith('strategy:')) {
    const strategyId = actor.slice('strategy:'.length);
    return { text: `a signal of strategy ${strategyName ?? shortId(strategyId)}`, strategyId };
  }
  if (actor.startsWith('system:')) return { text: `the system (${actor.slice('system:'.length)})`, strategyId: null };
  return { text: actor, strategyId: null };
}

/** "PlaceOrder · 1a2b3c4d" for a command with an id, "PlaceOrder" for one sent without (a strategy's, the demo's). */
export function commandTitle(command: { commandId: string | null; events: { type: string }[] }): string {
  // A command's first event may be a side effect (a PlaceOrder reserves funds before the order is placed).
  const named = command.events.find((e) => COMMAND_OF_EVENT[e.type] !== undefined);
  const first = command.events[0]?.type;
  const name = named ? COMMAND_OF_EVENT[named.type] : first ? `command that appended ${first}` : 'Command';
  return command.commandId ? `${name} · ${shortId(command.commandId)}` : name;
}

function Node({ node, onPick }: { node: CausalNode; onPick?: (node: CausalNode) => void }) {
  return (
    <li>
      <button type="button" className="tree-node" onClick={() => onPick?.(node)} title={`recorded ${istDateTime(node.recordedAt)}`}>
        <span className="tree-type">{node.type}</span>
        <span className="muted small">
          {node.stream} · #{node.globalPosition} · {node.actor}
        </span>
      </button>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <Node key={c.eventId} node={c} onPick={onPick} />
          ))}
        </ul>
      )}
    </li>
  );
}

function CommandActor({ actor }: { actor: string }) {
  const strategies = useQuery({ queryKey: ['strategies'], queryFn: ({ signal }) => api.strategies(signal), enabled: actor.startsWith('strategy:') });
  const who = describeActor(actor, strategies.data?.find((s) => `strategy:${s.strategyId}` === actor)?.name);
  return (
    <span className="muted small" title={actor}>
      from {who.strategyId ? <a href={href('strategies', [who.strategyId])}>{who.text}</a> : who.text}
    </span>
  );
}

export function CausalTree({ correlationId, onPick, source = LIVE_LOG }: { correlationId: string; onPick?: (node: CausalNode) => void; source?: LogSource }) {
  const tree = useQuery({ queryKey: ['audit', 'tree', source.key, correlationId], queryFn: ({ signal }) => source.correlation(correlationId, signal) });
  if (tree.isPending) return <Loading label="Loading the causal tree…" />;
  return (
    <QueryView query={tree} what="The causal tree">
      {(t) => (
        <div className="causal-tree" data-testid="causal-tree">
          {t.commands.map((c, i) => (
            <div key={c.commandId ?? i} className="tree-command">
              <div className="tree-command-head" data-testid="tree-command">
                <span className="tree-command-name">{commandTitle(c)}</span> <CommandActor actor={c.actor} />
              </div>
              <ul>
                {c.events.map((n) => (
                  <Node key={n.eventId} node={n} onPick={onPick} />
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </QueryView>
  );
}
