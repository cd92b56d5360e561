import * as fs from 'node:fs';
import * as path from 'node:path';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { createMarketCalendar, DEFAULT_NSE_HOLIDAYS, InstrumentCatalog } from '@robo/domain';
import { EVENT_STORE, EventStore, SqliteEventStore } from '@robo/event-store';
import { READ_MODEL_STORE, ReadModelStore, SqliteReadModelStore, ALL_PROJECTIONS } from '@robo/read-models';
import { APP_CONFIG, AppConfig, ConfigError } from './config/app-config';
import { CLOCK, SimulatedClock, SystemClock } from './clock';
import { INSTRUMENTS, MARKET_CALENDAR } from './tokens';

function loadHolidays(file: string | null): string[] {
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

/** Chooses the store adapters once, from configuration, and closes them on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): EventStore => {
        if (config.eventStore !== 'sqlite') throw new ConfigError('EVENT_STORE', `${config.eventStore}: this adapter is not available in this build`);
        fs.mkdirSync(config.dataDir, { recursive: true });
        return SqliteEventStore.open({ file: path.join(config.dataDir, 'events.db') });
      },
    },
    {
      provide: READ_MODEL_STORE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<ReadModelStore> => {
        if (config.readStore !== 'sqlite') throw new ConfigError('READ_STORE', `${config.readStore}: this adapter is not available in this build`);
        fs.mkdirSync(config.dataDir, { recursive: true });
        const store = SqliteReadModelStore.open({ file: path.join(config.dataDir, 'read-models.db') });
        await store.ensureCollections(ALL_PROJECTIONS.flatMap((p) => p.collections));
        return store;
      },
    },
    {
      provide: CLOCK,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.clockStart ? new SimulatedClock(config.clockStart, config.clockSpeed) : new SystemClock()),
    },
    { provide: INSTRUMENTS, useFactory: () => new InstrumentCatalog() },
    {
      provide: MARKET_CALENDAR,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createMarketCalendar({ holidays: loadHolidays(config.holidaysFile) }),
    },
  ],
  exports: [EVENT_STORE, READ_MODEL_STORE, CLOCK, INSTRUMENTS, MARKET_CALENDAR],
})
export class StoresModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.events.close();
    await this.reads.close();
  }
}
