import type { AnalystStreamEvent } from '@robo/analyst';

export interface SseReply {
  status: number;
  correlationId: string | null;
  contentType: string | null;
  /** Parsed `event:` + `data:` frames, in order (for a JSON error answer: empty). */
  events: AnalystStreamEvent[];
  /** The JSON body of a non-stream answer (a refusal before the stream started). */
  body: Record<string, unknown> | null;
}

/** POSTs a question over real HTTP and reads the server-sent events to the end. */
export async function askOverHttp(base: string, token: string, body: object): Promise<SseReply> {
  const res = await fetch(`${base}/api/analyst/questions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const head = { status: res.status, correlationId: res.headers.get('x-correlation-id'), contentType };
  if (!contentType?.startsWith('text/event-stream')) return { ...head, events: [], body: JSON.parse(text) as Record<string, unknown> };
  const events: AnalystStreamEvent[] = [];
  for (const frame of text.split('\n\n')) {
    const type = /^event: (.+)$/m.exec(frame)?.[1];
    const data = /^data: (.+)$/m.exec(frame)?.[1];
    if (type === undefined || data === undefined) continue;
    const event = JSON.parse(data) as AnalystStreamEvent;
    if (event.type !== type) throw new Error(`frame event ${type} carries data of type ${event.type}`);
    events.push(event);
  }
  return { ...head, events, body: null };
}

export function only<T extends AnalystStreamEvent['type']>(reply: SseReply, type: T): Extract<AnalystStreamEvent, { type: T }>[] {
  return reply.events.filter((e): e is Extract<AnalystStreamEvent, { type: T }> => e.type === type);
}
