import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { EsdbEventStore, EventStore, ReactorCheckpointStore, SqliteEventStore, SqliteReactorCheckpoints, StreamReactorCheckpoints } from '@robo/event-store';
import { ALL_PROJECTIONS, auditProjection, MongoReadModelStore, PartitionedReadModelStore, ReadModelStore, SqliteReadModelStore, type Projection } from '@robo/read-models';
import { AppConfig, ConfigError } from './config/app-config';

/** What opening the stores needs: plain values, so that a worker thread can open the same stores. */
export type StoreConfig = Pick<AppConfig, 'eventStore' | 'readStore' | 'dataDir' | 'eventStoreUrl' | 'mongoUrl'>;

/**
 * Projections kept in a SQLite file of their own (DATA_DIR/<name>.db) instead of read-models.db. The audit trail
 * writes a row with nine indexes per log event, about half of all read-model writing: in its own file it neither
 * waits for nor holds up the other projections' writer, and a rebuild loads it in another thread at the same time.
 */
export const READ_STORE_PARTITIONS: readonly { name: string; projections: readonly Projection[] }[] = [{ name: 'audit', projections: [auditProjection] }];

/**
 * Server-backed stores connect lazily: an unreachable EventStoreDB or MongoDB does not stop the process. It starts,
 * /health/ready answers 503 until both stores answer, and every call fails as unavailable (503) meanwhile.
 */
export function openEventStore(
  config: Pick<StoreConfig, 'eventStore' | 'dataDir' | 'eventStoreUrl'> & Partial<Pick<AppConfig, 'eventStoreWriterThread' | 'eventStoreCheckpointThread'>>,
): EventStore {
  switch (config.eventStore) {
    case 'sqlite':
      fs.mkdirSync(config.dataDir, { recursive: true });
      return SqliteEventStore.open({
        file: path.join(config.dataDir, 'events.db'),
        writerThread: config.eventStoreWriterThread ?? false,
        checkpointThread: config.eventStoreCheckpointThread ?? false,
      });
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

/** Where reactors keep their checkpoints: the SQLite event file's table, or each reactor's own stream on EventStoreDB. */
export function openReactorCheckpoints(config: Pick<StoreConfig, 'eventStore' | 'dataDir'>, events: EventStore): ReactorCheckpointStore {
  return config.eventStore === 'sqlite' ? SqliteReactorCheckpoints.open({ file: path.join(config.dataDir, 'events.db') }) : new StreamReactorCheckpoints(events);
}

/** Where openReadStore reports what it did to the files (by default the Nest logger; the CLI writes to stderr). */
export type StoreNotice = (message: string) => void;

/**
 * `durability: 'none'` (SQLite only) opens the files without fsync, for the read models of a log rebuilt from its
 * inputs (a backtest's run folder); files that hold projected read models are refused (SqliteReadModelStore).
 */
export async function openReadStore(
  config: Pick<StoreConfig, 'readStore' | 'dataDir' | 'mongoUrl'>,
  notice: StoreNotice = (message) => new Logger('ReadStore').log(message),
  options: { durability?: 'normal' | 'none' } = {},
): Promise<ReadModelStore> {
  switch (config.readStore) {
    case 'sqlite': {
      fs.mkdirSync(config.dataDir, { recursive: true });
      const { store, main, partitions } = sqliteReadStore(config.dataDir, false, options.durability);
      try {
        await moveOutOfMain(main, partitions, notice);
        await store.ensureCollections(ALL_PROJECTIONS.flatMap((p) => p.collections));
      } catch (error) {
        await store.close().catch(() => undefined);
        throw error;
      }
      return store;
    }
    case 'mongo':
      return connectMongo(config);
    default: {
      const unknown: never = config.readStore;
      throw new ConfigError('READ_STORE', `unknown adapter ${String(unknown)}`);
    }
  }
}

/** The SQLite read models of a data directory: read-models.db and a file per partition. */
function sqliteReadStore(dataDir: string, readOnly: boolean, durability?: 'normal' | 'none') {
  const main = SqliteReadModelStore.open({ file: path.join(dataDir, 'read-models.db'), readOnly, durability });
  const partitions: { name: string; store: SqliteReadModelStore; projections: string[]; collections: string[] }[] = [];
  try {
    for (const partition of READ_STORE_PARTITIONS) {
      partitions.push({
        name: partition.name,
        store: SqliteReadModelStore.open({ file: path.join(dataDir, `${partition.name}.db`), readOnly, durability }),
        projections: partition.projections.map((p) => p.name),
        collections: partition.projections.flatMap((p) => p.collections.map((c) => c.name)),
      });
    }
  } catch (error) {
    for (const opened of [main, ...partitions.map((p) => p.store)]) void opened.close().catch(() => undefined);
    throw error;
  }
  return { store: new PartitionedReadModelStore(main, partitions), main, partitions };
}

/**
 * The SQLite read models a finished run left in its folder, opened read-only: nothing is created, moved or indexed,
 * and every write is refused (the folder stays as the run left it).
 */
export function openReadStoreReadOnly(dataDir: string): ReadModelStore {
  return sqliteReadStore(dataDir, true).store;
}

/**
 * The store of one partition alone, for a worker thread that rebuilds its projections: it opens nothing else, so it
 * cannot take a lock on (or create indexes in) a file another thread is rebuilding. With MongoDB, its own client.
 */
export async function openReadPartition(config: Pick<StoreConfig, 'readStore' | 'dataDir' | 'mongoUrl'>, name: string): Promise<ReadModelStore> {
  if (config.readStore === 'mongo') return connectMongo(config);
  if (!READ_STORE_PARTITIONS.some((partition) => partition.name === name)) throw new TypeError(`no read-store partition named ${name}`);
  return SqliteReadModelStore.open({ file: path.join(config.dataDir, `${name}.db`) });
}

function connectMongo(config: Pick<StoreConfig, 'mongoUrl'>): ReadModelStore {
  if (config.mongoUrl === null) throw new ConfigError('MONGO_URL', 'is required when READ_STORE=mongo');
  try {
    // Collections and indexes are created by ReadStoreSetup once the server answers.
    return MongoReadModelStore.connect({ url: config.mongoUrl });
  } catch (error) {
    throw new ConfigError('MONGO_URL', `is not a usable connection string (${(error as Error).message})`);
  }
}

/**
 * A data directory from before a projection had a file of its own keeps its documents in read-models.db: they are
 * deleted there (with its checkpoint and dead letters), and the projection catches up into its own file from the log.
 */
async function moveOutOfMain(main: ReadModelStore, partitions: readonly { projections: readonly string[]; collections: readonly string[] }[], notice: StoreNotice): Promise<void> {
  for (const partition of partitions) {
    for (const projection of partition.projections) {
      const left = (await main.getCheckpoint(projection)) > 0n || (await Promise.all(partition.collections.map((c) => main.count(c)))).some((n) => n > 0);
      if (left) {
        notice(`moving projection ${projection} out of read-models.db into its own file: it is projected again from the log`);
        await main.reset(projection, partition.collections);
      }
    }
  }
}
