import { ApiFailure, request } from '../../api/http';
import { currentToken } from '../../api/session';

export interface Citation {
  ref: string;
  kind: 'event' | 'stream';
  globalPosition: number | null;
  streamName: string | null;
  streamRevision: number | null;
  seen: boolean;
  exists: boolean;
  eventType: string | null;
}

export interface Proposal {
  proposalId: string;
  accountId: string;
  status: string;
  rationale: string;
  order: { instrument: string; side: string; quantity: number; orderType: string; limitPricePaise: number | null; triggerPricePaise: number | null; product: string; validity: string };
  orderId: string | null;
  rejectReason: string | null;
  failureCode: string | null;
  expiresAt: string;
}

export interface AnalystStatus {
  enabled: boolean;
  model: string | null;
  message: string | null;
}

/** The server-sent events of POST /api/analyst/questions (docs/analyst.md). */
export type AnalystEvent =
  | { type: 'started'; askId: string; streamName: string; model: string }
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; toolUseId: string; tool: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; tool: string; ok: boolean; errorCode: string | null }
  | { type: 'proposal'; proposal: Proposal }
  | { type: 'answer'; answer: { text: string; citations: Citation[]; proposals: Proposal[]; rounds: number; usage: { inputTokens: number; outputTokens: number }; latencyMs: number } }
  | { type: 'error'; code: string; message: string };

export const analystApi = {
  status: (signal?: AbortSignal) => request<AnalystStatus>('/api/analyst/status', { signal }),
  proposals: (accountId: string, signal?: AbortSignal) => request<{ items: Proposal[] }>('/api/analyst/proposals', { signal, query: { accountId, limit: 20 } }),
  approve: (id: string) => request<{ orderId: string; status: string }>(`/api/analyst/proposals/${encodeURIComponent(id)}/approve`, { method: 'POST', body: {} }),
  reject: (id: string, reason: string) => request<{ status: string }>(`/api/analyst/proposals/${encodeURIComponent(id)}/reject`, { method: 'POST', body: { reason } }),
};

/** Streams one question: calls onEvent for every server-sent event; a refusal before the stream throws ApiFailure. */
export async function ask(body: { question: string; accountId?: string }, onEvent: (event: AnalystEvent) => void, signal: AbortSignal): Promise<void> {
  const token = currentToken();
  const response = await fetch('/api/analyst/questions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    const shaped = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiFailure(response.status, shaped.code ?? `HTTP_${response.status}`, shaped.message ?? response.statusText);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data) onEvent(JSON.parse(data) as AnalystEvent);
    }
  }
}
