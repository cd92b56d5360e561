import * as fs from 'node:fs';
import * as path from 'node:path';
import { BeforeApplicationShutdown, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createMarketCalendar, DEFAULT_NSE_HOLIDAYS, InstrumentCatalog } from '@robo/domain';
import { EsdbEventStore, EVENT_STORE, EventStore, SqliteEventStore } from '@robo/event-store';
import { MongoReadModelStore, READ_MODEL_STORE, ReadModelStore, SqliteReadModelStore, ALL_PROJECTIONS } from '@robo/read-models';
import { APP_CONFIG, AppConfig, ConfigError } from './config/app-config';
import { CLOCK } from './clock';
import { createAppClock } from './session-clock';
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

const ALL_COLLECTIONS = () => ALL_PROJECTIONS.flatMap((p) => p.collections);

/**
 * Server-backed stores connect lazily: an unreachable EventStoreDB or MongoDB does not stop the process. It starts,
 * /health/ready answers 503 until both stores answer, and every call fails as unavailable (503) meanwhile.
 */
export function openEventStore(config: AppConfig): EventStore {
  switch (config.eventStore) {
    case 'sqlite':
      fs.mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open({ file: path.join(config.dataDir, 'events.db') });
    case 'esdb': {
      if (config.eventStoreUrl === null) throw new ConfigError('EVENTSTORE_URL', 'is required when EVENT_STORE=esdb');
      const logger = new Logger('EventStoreDB');
      try {
        return EsdbEventStore.connect({
          url: config.eventStoreUrl,
          // One line per attempt, with bounded backoff (at most every 5 s per subscription); the URL is never logged.
          onReconnect: ({ error, delayMs }) =>
            logger.warn(`subscription to $all interrupted (${error instanceof Error ? error.message : 'ended by the server'}); resubscribing in ${delayMs} ms`),
        });
      } catch (error) {
        throw new ConfigError('EVENTSTORE_URL', `is not a usable connection string (${(error as Error).message})`);
      }
    }
    default: {
      const unknown: never = config.eventStore;
      throw new ConfigError('EVENT_STORE', `unknown adapter ${String(unknown)}`);
    }
  }
}

export async function openReadStore(config: AppConfig): Promise<ReadModelStore> {
  switch (config.readStore) {
    case 'sqlite': {
      fs.mkdirSync(config.dataDir, { recursive: true });
      const store = SqliteReadModelStore.open({ file: path.join(config.dataDir, 'read-models.db') });
      await store.ensureCollections(ALL_COLLECTIONS());
      return store;
    }
    case 'mongo':
      if (config.mongoUrl === null) throw new ConfigError('MONGO_URL', 'is required when READ_STORE=mongo');
      try {
        // Collections and indexes are created by ReadStoreSetup once the server answers.
        return MongoReadModelStore.connect({ url: config.mongoUrl });
      } catch (error) {
        throw new ConfigError('MONGO_URL', `is not a usable connection string (${(error as Error).message})`);
      }
    default: {
      const unknown: never = config.readStore;
      throw new ConfigError('READ_STORE', `unknown adapter ${String(unknown)}`);
    }
  }
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
        await this.reads.ensureCollections(ALL_COLLECTIONS());
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
      provide: CLOCK,
      inject: [APP_CONFIG, MARKET_CALENDAR],
      useFactory: createAppClock,
    },
    { provide: INSTRUMENTS, useFactory: () => new InstrumentCatalog() },
    {
      provide: MARKET_CALENDAR,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createMarketCalendar({ holidays: loadHolidays(config.holidaysFile) }),
    },
    ReadStoreSetup,
  ],
  exports: [EVENT_STORE, READ_MODEL_STORE, CLOCK, INSTRUMENTS, MARKET_CALENDAR, ReadStoreSetup],
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
