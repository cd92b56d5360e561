import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import type { JsonValue } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import type { AnalystQueries } from './analyst-queries.port';
import type { AnalystConfig } from './analyst-config';
import { AnalystError } from './analyst-errors';
import { streamOf, type Analyst, type AnalystAnswer, type AnalystStatus, type AnalystStreamEvent, type AskContext, type AskOptions, type AskRequest, type ToolCallRecord } from './analyst';
import { validateAskRequest, type ValidAskRequest } from './ask-request';
import { collectReferences, parseCitations, resolveCitations } from './citations';
import { InteractionLog } from './interaction-log';
import { PROMPT_VERSION, renderQuestion, SYSTEM_PROMPT } from './prompt';
import type { ProposalBook, ProposalView } from './proposals/proposal-book';
import { providerFailure, type AbortCause } from './provider-errors';
import { renderToolOutput, toJsonText } from './tool-output';
import { ANALYST_TOOLS, TOOLS_VERSION } from './tools/tool-definitions';
import { runTool, type ToolOutcome } from './tools/tool-runner';

export interface ClaudeAnalystDeps {
  queries: AnalystQueries;
  eventStore: EventStore;
  proposals: ProposalBook;
  clock: { now(): string };
  newId: () => string;
  /** Monotonic milliseconds, for latencies and the wall-time bound (the business clock may be simulated). */
  timer: () => number;
}

/** One question's running totals, kept beside the recorded trail for the failure event and the answer. */
interface Turns {
  texts: string[];
  /** Text of the round being streamed, kept for the failure event if the round never completes. */
  streaming: string;
  seen: Set<string>;
  proposals: ProposalView[];
  toolCalls: ToolCallRecord[];
  outputTokens: number;
}

const MAX_REFERENCES_RECORDED = 200;

/**
 * The analyst backed by Claude through @anthropic-ai/sdk: a bounded loop of streamed Messages API calls with
 * read-only tools over AnalystQueries (and propose_order, which only records a proposal). Every step is appended
 * to `analyst-<askId>` before it is shown.
 */
export class ClaudeAnalyst implements Analyst {
  readonly enabled = true;
  private readonly client: Anthropic;

  constructor(
    private readonly config: AnalystConfig,
    private readonly deps: ClaudeAnalystDeps,
  ) {
    this.client = new Anthropic({
      apiKey: config.apiKey,
      // null, not undefined: the configuration is the one source, the SDK must not read its own variables.
      baseURL: config.baseURL ?? null,
      maxRetries: config.maxRetries,
      timeout: config.requestTimeoutMs,
    });
  }

  status(): AnalystStatus {
    return { enabled: true, model: this.config.model, promptVersion: PROMPT_VERSION, toolsVersion: TOOLS_VERSION, limits: this.config.limits, message: null };
  }

  assertEnabled(): void {}

  stream(request: AskRequest, who: AskContext, options?: Omit<AskOptions, 'onEvent'>): AsyncIterable<AnalystStreamEvent> {
    return streamOf(this, request, who, options);
  }

  async ask(request: AskRequest, who: AskContext, options: AskOptions = {}): Promise<AnalystAnswer> {
    const question = validateAskRequest(request, this.config.limits);
    const { limits, model } = this.config;
    const log = new InteractionLog(this.deps.eventStore, options.askId ?? this.deps.newId(), who, this.deps.newId);
    const askId = log.askId;
    const started = this.deps.timer();
    const elapsed = () => Math.max(0, Math.round(this.deps.timer() - started));
    const emit = (event: AnalystStreamEvent) => {
      try {
        options.onEvent?.(event);
      } catch {
        // A listener that fails (a closed socket) must not cut the recorded trail short.
      }
    };

    // Recorded before anything is sent: the provider never sees a question the audit does not.
    await log.record({
      type: 'AskQuestion',
      data: {
        askId,
        question: question.question,
        accountId: question.accountId,
        strategyId: question.strategyId,
        askedBy: who.actor,
        model,
        promptVersion: PROMPT_VERSION,
        toolsVersion: TOOLS_VERSION,
        limits: { maxRounds: limits.maxRounds, maxOutputTokens: limits.maxOutputTokens, maxWallTimeMs: limits.maxWallTimeMs },
        now: this.deps.clock.now(),
      },
    });
    emit({ type: 'started', askId, streamName: log.streamName, model, promptVersion: PROMPT_VERSION, toolsVersion: TOOLS_VERSION });

    const abort = new AbortController();
    let abortCause: AbortCause | null = null;
    const wallTimer = setTimeout(() => {
      abortCause = 'wall_time';
      abort.abort();
    }, limits.maxWallTimeMs);
    const onCallerAbort = () => {
      abortCause ??= 'cancelled';
      abort.abort();
    };
    if (options.signal?.aborted) onCallerAbort();
    else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const turns: Turns = { texts: [], streaming: '', seen: new Set(), proposals: [], toolCalls: [], outputTokens: 0 };
    try {
      const answer = await this.loop(question, who, log, turns, abort.signal, emit, elapsed);
      emit({ type: 'answer', answer });
      return answer;
    } catch (error) {
      const failure = providerFailure(error, abortCause);
      const code = failure?.error.code ?? codeOf(error);
      const message = failure?.error.message ?? 'the analyst failed unexpectedly';
      try {
        await log.record({
          type: 'RecordFailure',
          data: {
            askId,
            code,
            message,
            reason: failure?.reason ?? 'internal',
            partialText: [...turns.texts, turns.streaming].filter((t) => t !== '').join('\n\n'),
            proposalIds: turns.proposals.map((p) => p.proposalId),
            latencyMs: elapsed(),
            now: this.deps.clock.now(),
          },
        });
      } catch {
        // The store may be what failed; the caller still gets the original error.
      }
      const thrown = failure?.error ?? error;
      emit(
        thrown instanceof AnalystError
          ? { type: 'error', askId, code: thrown.code, status: thrown.status, message: thrown.message, details: { ...thrown.details, askId } }
          : { type: 'error', askId, code, status: code === 'STORE_UNAVAILABLE' ? 503 : 500, message },
      );
      throw thrown;
    } finally {
      clearTimeout(wallTimer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async loop(
    question: ValidAskRequest,
    who: AskContext,
    log: InteractionLog,
    turns: Turns,
    signal: AbortSignal,
    emit: (event: AnalystStreamEvent) => void,
    elapsed: () => number,
  ): Promise<AnalystAnswer> {
    const { limits, model } = this.config;
    const askId = log.askId;
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: renderQuestion(question.question, { ...question, now: this.deps.clock.now() }) }];
    for (let round = 1; ; round += 1) {
      const budget = limits.maxOutputTokens - turns.outputTokens;
      if (budget <= 0) throw loopLimit('max_output_tokens', `the answer needed more than ${limits.maxOutputTokens} output tokens`);
      const callStarted = this.deps.timer();
      const stream = this.client.messages.stream(
        {
          model,
          max_tokens: Math.min(limits.maxTokensPerRound, budget),
          system: SYSTEM_PROMPT,
          tools: ANALYST_TOOLS,
          messages: [...messages],
          // An opaque hash, so the provider can tell users apart for abuse handling without learning who they are.
          metadata: { user_id: createHash('sha256').update(who.actor).digest('hex').slice(0, 32) },
        },
        { signal, maxRetries: this.config.maxRetries, timeout: this.config.requestTimeoutMs },
      );
      stream.on('text', (delta) => {
        turns.streaming += delta;
        emit({ type: 'text', askId, round, delta });
      });
      const message = await stream.finalMessage();
      turns.streaming = '';
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      const toolUses = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
      await log.record({
        type: 'RecordModelResponse',
        data: {
          askId,
          round,
          model: message.model || model,
          stopReason: message.stop_reason,
          inputTokens: message.usage.input_tokens,
          outputTokens: message.usage.output_tokens,
          latencyMs: Math.max(0, Math.round(this.deps.timer() - callStarted)),
          requestId: stream.request_id ?? null,
          textChars: text.length,
          toolUses: toolUses.map((use) => use.name),
          now: this.deps.clock.now(),
        },
      });
      turns.outputTokens += message.usage.output_tokens;
      if (text !== '') turns.texts.push(text);

      if (message.stop_reason === 'tool_use' && toolUses.length > 0) {
        if (round >= limits.maxRounds) throw loopLimit('max_rounds', `the question needed more than ${limits.maxRounds} rounds of tool calls`);
        messages.push({ role: 'assistant', content: asParams(message.content) });
        const results: Anthropic.ToolResultBlockParam[] = [];
        for (const use of toolUses) results.push(await this.callTool(use, round, question, who, log, turns, signal, emit));
        messages.push({ role: 'user', content: results });
        continue;
      }
      if (message.stop_reason === 'max_tokens') throw loopLimit('max_output_tokens', 'the answer was cut by its output token limit');
      if (message.stop_reason === 'model_context_window_exceeded') throw loopLimit('context_window', 'the tool results no longer fit the model context');
      return this.answer(log, turns, message.stop_reason ?? 'end_turn', model, elapsed);
    }
  }

  private async callTool(
    use: Anthropic.ToolUseBlock,
    round: number,
    question: ValidAskRequest,
    who: AskContext,
    log: InteractionLog,
    turns: Turns,
    signal: AbortSignal,
    emit: (event: AnalystStreamEvent) => void,
  ): Promise<Anthropic.ToolResultBlockParam> {
    const askId = log.askId;
    const input = jsonInput(use.input);
    await log.record({ type: 'RecordToolCall', data: { askId, toolUseId: use.id, tool: use.name, input, now: this.deps.clock.now() } });
    emit({ type: 'tool_call', askId, round, toolUseId: use.id, tool: use.name, input });
    const toolStarted = this.deps.timer();
    const outcome: ToolOutcome = await untilAborted(
      runTool(use.name, input, {
        queries: this.deps.queries,
        ctx: { askId, actor: who.actor, correlationId: who.correlationId },
        scope: { accountId: question.accountId, strategyId: question.strategyId },
        propose: async (proposal) => {
          const view = await this.deps.proposals.propose(
            { ...proposal, askId, proposedBy: `analyst:${this.config.model}` },
            { actor: who.actor, correlationId: who.correlationId, causationId: log.lastEvent },
          );
          turns.proposals.push(view);
          emit({ type: 'proposal', askId, proposal: view });
          return {
            proposalId: view.proposalId,
            status: view.status,
            expiresAt: view.expiresAt,
            streamName: view.streamName,
            streamRevision: view.streamRevision,
            note: 'Recorded as a suggestion only. Nothing was placed: a person must approve it first.',
          };
        },
      }),
      signal,
    );
    const payload = outcome.ok ? outcome.value : { error: outcome.code, message: outcome.message };
    const output = renderToolOutput(payload, this.config.limits.toolResultMaxChars, this.config.limits.previewChars);
    const references = outcome.ok ? collectReferences(outcome.value) : [];
    for (const ref of references) turns.seen.add(ref);
    const errorCode = outcome.ok ? null : outcome.code;
    await log.record({
      type: 'RecordToolResult',
      data: {
        askId,
        toolUseId: use.id,
        ok: outcome.ok,
        errorCode,
        ...output.summary,
        references: references.slice(0, MAX_REFERENCES_RECORDED),
        latencyMs: Math.max(0, Math.round(this.deps.timer() - toolStarted)),
        now: this.deps.clock.now(),
      },
    });
    turns.toolCalls.push({ round, toolUseId: use.id, tool: use.name, input, ok: outcome.ok, errorCode, summary: output.summary });
    emit({ type: 'tool_result', askId, round, toolUseId: use.id, tool: use.name, ok: outcome.ok, errorCode, summary: output.summary });
    // JSON text, never instructions: the system prompt says so, and the content is data the model reads.
    return { type: 'tool_result', tool_use_id: use.id, content: output.content, ...(outcome.ok ? {} : { is_error: true }) };
  }

  private async answer(log: InteractionLog, turns: Turns, stopReason: string, model: string, elapsed: () => number): Promise<AnalystAnswer> {
    const text = turns.texts.join('\n\n');
    const citations = await resolveCitations(this.deps.eventStore, parseCitations(text), turns.seen);
    const latencyMs = elapsed();
    await log.record({
      type: 'RecordAnswer',
      data: { askId: log.askId, text, citations, proposalIds: turns.proposals.map((p) => p.proposalId), stopReason, latencyMs, now: this.deps.clock.now() },
    });
    const state = log.current;
    const totals = state.status === 'NONE' ? { rounds: 0, inputTokens: 0, outputTokens: 0 } : state;
    return {
      askId: log.askId,
      streamName: log.streamName,
      text,
      citations,
      proposals: turns.proposals,
      toolCalls: turns.toolCalls,
      model,
      stopReason,
      rounds: totals.rounds,
      usage: { inputTokens: totals.inputTokens, outputTokens: totals.outputTokens },
      latencyMs,
      lastEventPosition: Number(log.position),
    };
  }
}

function loopLimit(reason: string, message: string): AnalystError {
  return new AnalystError('ANALYST_LOOP_LIMIT', message, { reason });
}

function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code !== '' ? code : 'ANALYST_INTERNAL';
}

/** What the model sent as tool input, as plain JSON (the SDK parses it lazily from the stream). */
function jsonInput(input: unknown): JsonValue {
  try {
    return JSON.parse(toJsonText(input ?? {})) as JsonValue;
  } catch {
    return {};
  }
}

/** The assistant turn sent back with the tool results: its text and tool_use blocks, as request params. */
function asParams(content: Anthropic.ContentBlock[]): Anthropic.ContentBlockParam[] {
  return content.flatMap((block): Anthropic.ContentBlockParam[] => {
    switch (block.type) {
      case 'text':
        return block.text === '' ? [] : [{ type: 'text', text: block.text }];
      case 'tool_use':
        return [{ type: 'tool_use', id: block.id, name: block.name, input: jsonInput(block.input) }];
      case 'thinking':
        return [{ type: 'thinking', thinking: block.thinking, signature: block.signature }];
      default:
        return [];
    }
  });
}

/** Tools run on local stores, but the wall-time bound holds for them too. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
