import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
  ) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Both stores answer: the api can take commands and queries. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [eventStore, readStore] = await Promise.all([probe(() => this.events.ping()), probe(() => this.reads.ping())]);
    const ready = eventStore === 'ok' && readStore === 'ok';
    res.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks: { eventStore, readStore } };
  }
}

async function probe(check: () => Promise<void>): Promise<'ok' | 'unavailable'> {
  try {
    await check();
    return 'ok';
  } catch {
    return 'unavailable';
  }
}
