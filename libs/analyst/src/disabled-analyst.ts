import type { AnalystConfig } from './analyst-config';
import { DISABLED_MESSAGE, disabledError } from './analyst-errors';
import { streamOf, type Analyst, type AnalystAnswer, type AnalystStatus, type AnalystStreamEvent, type AskContext, type AskOptions, type AskRequest } from './analyst';
import { PROMPT_VERSION } from './prompt';
import { TOOLS_VERSION } from './tools/tool-definitions';

/** What the factory returns without ANTHROPIC_API_KEY: every question is refused with ANALYST_DISABLED (503), nothing is sent or recorded. */
export class DisabledAnalyst implements Analyst {
  readonly enabled = false;

  constructor(private readonly config: AnalystConfig) {}

  status(): AnalystStatus {
    return { enabled: false, model: null, promptVersion: PROMPT_VERSION, toolsVersion: TOOLS_VERSION, limits: this.config.limits, message: DISABLED_MESSAGE };
  }

  assertEnabled(): void {
    throw disabledError();
  }

  async ask(_request: AskRequest, _who: AskContext, _options?: AskOptions): Promise<AnalystAnswer> {
    throw disabledError();
  }

  stream(request: AskRequest, who: AskContext, options?: Omit<AskOptions, 'onEvent'>): AsyncIterable<AnalystStreamEvent> {
    return streamOf(this, request, who, options);
  }
}
