import * as fs from 'node:fs';
import { BeforeApplicationShutdown, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createMarketCalendar, DEFAULT_NSE_HOLIDAYS, type MarketCalendar } from '@robo/domain';
import { EVENT_STORE, EventStore, REACTOR_CHECKPOINTS, type ReactorCheckpointStore } from '@robo/event-store';
import { READ_MODEL_STORE, ReadModelStore, ALL_PROJECTIONS } from '@robo/read-models';
import { APP_CONFIG, AppConfig, ConfigError } from './config/app-config';
import { CLOCK, systemWallClock, WALL_CLOCK } from './clock';
import { openEventStore, openReactorCheckpoints, openReadStore } from './open-stores';
import { createAppClockFromLog } from './session-clock';
import { loadChargeSchedules, loadInstrumentCatalog } from './reference-data';
import { CHARGE_SCHEDULES_IN_FORCE, INSTRUMENTS, MARKET_CALENDAR } from './tokens';

/** The HOLIDAYS_FILE list (the bundled fixed-date holidays when null). */
export function loadHolidays(file: string | null): string[] {
  if (file === null) return [...DEFAULT_NSE_HOLIDAYS];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('HOLIDAYS_FILE', `could not be read as JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { holidays?: unknown }).holidays;
  if (!Array.isArray(list) || !list.every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d))) {
    throw new ConfigError('HOLIDAYS_FILE', 'must hold a JSON array of YYYY-MM-DD dates (or { "holidays": [...] })');
  }
  return list as string[];
}

/**
 * Creates the read-model collections and the indexes every API query needs on a server-backed read store, at start,
 * idempotently; while the server does not answer it retries with backoff (100 ms doubling to 30 s), logging one
 * line per attempt. The SQLite store does this synchronously in its factory.
 */
@Injectable()
export class ReadStoreSetup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReadStore');
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.readStore !== 'sqlite') this.loop = this.ensure();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async ensure(): Promise<void> {
    const signal = this.abort.signal;
    for (let delayMs = 100; !signal.aborted; delayMs = Math.min(delayMs * 2, 30_000)) {
      try {
        await this.reads.ensureCollections(ALL_PROJECTIONS.flatMap((p) => p.collections));
        this.logger.log('read-model collections and indexes are in place');
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.logger.warn(`cannot create read-model collections yet (${(error as Error).message}); retrying in ${delayMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
    }
  }
}

/** Chooses the store adapters once, from configuration, and closes them on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: openEventStore,
    },
    {
      provide: READ_MODEL_STORE,
      inject: [APP_CONFIG],
      useFactory: openReadStore,
    },
    {
      provide: REACTOR_CHECKPOINTS,
      inject: [APP_CONFIG, EVENT_STORE],
      useFactory: openReactorCheckpoints,
    },
    { provide: WALL_CLOCK, useValue: systemWallClock },
    {
      provide: CLOCK,
      inject: [APP_CONFIG, MARKET_CALENDAR, EVENT_STORE],
      // Business time resumes from the log: it never runs backwards across restarts.
      useFactory: (config: AppConfig, calendar: MarketCalendar, events: EventStore) =>
        createAppClockFromLog(config, calendar, events, (message) => new Logger('Clock').warn(message)),
    },
    { provide: INSTRUMENTS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadInstrumentCatalog(config) },
    { provide: CHARGE_SCHEDULES_IN_FORCE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadChargeSchedules(config.chargesFile) },
    {
      provide: MARKET_CALENDAR,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createMarketCalendar({ holidays: loadHolidays(config.holidaysFile) }),
    },
    ReadStoreSetup,
  ],
  exports: [EVENT_STORE, READ_MODEL_STORE, REACTOR_CHECKPOINTS, CLOCK, WALL_CLOCK, INSTRUMENTS, CHARGE_SCHEDULES_IN_FORCE, MARKET_CALENDAR, ReadStoreSetup],
})
export class StoresModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
    @Inject(REACTOR_CHECKPOINTS) private readonly reactorCheckpoints: ReactorCheckpointStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.reactorCheckpoints.close();
    await this.events.close();
    await this.reads.close();
  }
}
