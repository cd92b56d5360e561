import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { CausalNode } from '../api/types';
import { istDateTime, shortId } from '../lib/format';
import { Loading, QueryView } from './ui';

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

export function CausalTree({ correlationId, onPick }: { correlationId: string; onPick?: (node: CausalNode) => void }) {
  const tree = useQuery({ queryKey: ['audit', 'tree', correlationId], queryFn: ({ signal }) => api.correlation(correlationId, signal) });
  if (tree.isPending) return <Loading label="Loading the causal tree…" />;
  return (
    <QueryView query={tree} what="The causal tree">
      {(t) => (
        <div className="causal-tree" data-testid="causal-tree">
          {t.commands.map((c, i) => (
            <div key={c.commandId ?? i} className="tree-command">
              <div className="tree-command-head">
                Command {c.commandId ? shortId(c.commandId) : '(unknown)'} <span className="muted small">by {c.actor}</span>
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
