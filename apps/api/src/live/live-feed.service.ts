import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, type CheckpointReader, type DocumentReader, type Doc, type FieldCondition, type Projection } from '@robo/read-models';
import type { Server } from 'socket.io';
import { ProjectorService } from '@robo/projector';
import { changedFields, docKey, LIVE_COLLECTIONS, LIVE_PROJECTIONS, roomsOfDoc, type LiveDocument, type LiveUpdate } from './live-docs';
import { ACCOUNT_ROOM_PREFIX, AUDIT_ROOM, kindOfRoom, type Topic, type TopicKind } from './live-topics';

const POLL_MS = 100;
const PAGE = 1000;
/** How many documents of a growing collection (orders, days, audit entries) a snapshot carries, newest first. */
const SNAPSHOT_LIMIT = 200;

/** What has been pushed to one room: its sequence number and the last version of each document it was sent. */
interface RoomState {
  seq: number;
  docs: Map<string, Doc>;
}

export interface Snapshot {
  room: string;
  seq: number;
  position: number;
  documents: LiveDocument[];
}

/**
 * Pushes read-model changes to socket.io rooms once the read models have them, by polling the projections'
 * checkpoints in the read store (works the same whether the projector runs in this process or another one, and
 * needs no hook in the runner). For every event between the last pushed position and the checkpoint, the live
 * projections' own keys() name the documents it touched; each is read back and compared, top-level field by field,
 * with the version last sent to the room: a room gets `update` messages with only the changed fields and a per-room
 * seq that grows by one per message. A client that sees a gap asks for a `snapshot` (the current documents and seq).
 * Only rooms with subscribers cost anything: with no room the feed reads nothing. When the projector runs in this
 * process, the feed also wakes as soon as the runner commits (waitForPosition), instead of on the next poll only.
 * The older coarse messages (`account.updated`, `audit.appended`) are still sent for existing clients.
 * Every api replica runs its own feed over the shared read models, for its own sockets: messages go to this process's
 * sockets only (`server.local`). With the Redis adapter (REDIS_URL) a plain `to(room)` would reach the room on every
 * replica, and each client would get every update once per replica, numbered by another replica's seq.
 */
@Injectable()
export class LiveFeedService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('LiveFeed');
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private waking: Promise<void> | null = null;
  private stopped = false;
  private failing = false;
  /** Position up to which changes have been pushed; null while nobody listens. */
  private pushed: bigint | null = null;
  private readonly rooms = new Map<string, RoomState>();
  /** Ticks, joins and snapshots run one at a time: a room's seq and base documents never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader & CheckpointReader,
    @Optional() private readonly projector?: ProjectorService,
  ) {}

  attach(server: Server): void {
    this.server = server;
    if (this.projector) {
      this.waking = this.wakeLoop(this.projector);
      return;
    }
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      void this.serial(() => this.tick()).finally(() => (this.ticking = false));
    }, POLL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.waking;
    await this.queue;
  }

  /** In-process projector: tick as soon as the live projections pass the last pushed position, or every POLL_MS. */
  private async wakeLoop(projector: ProjectorService): Promise<void> {
    while (!this.stopped) {
      const kinds = new Set(this.activeRooms().values());
      const names = [...new Set([...kinds].flatMap((k) => LIVE_PROJECTIONS[k].map((p) => p.name)))];
      if (this.pushed !== null && names.length > 0) {
        await projector.runner.waitForPosition(this.pushed + 1n, POLL_MS, names).catch(() => sleep(POLL_MS));
      } else {
        await sleep(POLL_MS);
      }
      if (!this.stopped) await this.serial(() => this.tick());
    }
  }

  /**
   * Joins the socket to the topic's room. The room's base documents are read now (when it is new), so changes
   * committed after the acknowledgement are pushed as differences from them, and none from before.
   */
  join(socket: { join(room: string): unknown }, topic: Topic): Promise<{ seq: number; position: number }> {
    return this.serial(async () => {
      const kinds = new Set([...this.activeRooms().values(), topic.kind]);
      this.pushed ??= await this.checkpoint(kinds);
      if (!this.rooms.has(topic.room)) {
        const documents = await this.roomDocuments(topic);
        this.rooms.set(topic.room, { seq: 0, docs: new Map(documents.map((d) => [docKey(d.collection, d.id), d.doc])) });
      }
      await socket.join(topic.room);
      return { seq: this.rooms.get(topic.room)!.seq, position: Number(this.pushed) };
    });
  }

  /** The room's current documents and seq; the next update of the room has seq + 1 and is relative to these. */
  snapshot(topic: Topic): Promise<Snapshot> {
    return this.serial(async () => {
      const documents = await this.roomDocuments(topic);
      const state = this.rooms.get(topic.room) ?? { seq: 0, docs: new Map<string, Doc>() };
      state.docs = new Map(documents.map((d) => [docKey(d.collection, d.id), d.doc]));
      this.rooms.set(topic.room, state);
      return { room: topic.room, seq: state.seq, position: Number(this.pushed ?? (await this.checkpoint(new Set([topic.kind])))), documents };
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Rooms with at least one socket, by kind. */
  private activeRooms(): Map<string, TopicKind> {
    const active = new Map<string, TopicKind>();
    if (!this.server) return active;
    for (const [room, sockets] of this.server.of('/').adapter.rooms) {
      const kind = kindOfRoom(room);
      if (kind !== null && sockets.size > 0) active.set(room, kind);
    }
    return active;
  }

  private async tick(): Promise<void> {
    const server = this.server;
    if (!server) return;
    try {
      const active = this.activeRooms();
      for (const room of this.rooms.keys()) if (!active.has(room)) this.rooms.delete(room);
      if (active.size === 0) {
        this.pushed = null;
        return;
      }
      await this.push(server, active);
      if (this.failing) this.logger.log('live feed recovered');
      this.failing = false;
    } catch (error) {
      // A store outage: keep the last pushed position and try again on the next tick.
      if (!this.failing) this.logger.warn({ err: error }, 'live feed cannot read the stores; retrying');
      this.failing = true;
    }
  }

  private async push(server: Server, active: Map<string, TopicKind>): Promise<void> {
    const kinds = new Set(active.values());
    const target = await this.checkpoint(kinds);
    const from = this.pushed ?? target;
    if (target <= from) {
      this.pushed = from;
      return;
    }
    const projections = [...new Set([...kinds].flatMap((k) => LIVE_PROJECTIONS[k]))];
    const collections = new Set([...kinds].flatMap((k) => LIVE_COLLECTIONS[k]));
    const touched = new Map<string, Set<string>>();
    const accounts = new Set<string>();
    for (let after = from; after < target; ) {
      const page = await this.events.readAll({ after, maxCount: PAGE });
      for (const event of page) {
        if (event.globalPosition > target) break;
        for (const ref of refsOf(projections, event)) {
          if (!collections.has(ref.collection)) continue;
          let ids = touched.get(ref.collection);
          if (!ids) touched.set(ref.collection, (ids = new Set()));
          ids.add(ref.id);
        }
        const accountId = (event.data as { accountId?: unknown } | null)?.accountId;
        if (typeof accountId === 'string' && /^(account|order|position)-/.test(event.streamName)) accounts.add(accountId);
      }
      const last = page[page.length - 1];
      if (!last || page.length < PAGE) break;
      after = last.globalPosition;
    }
    const position = Number(target);
    for (const [collection, ids] of touched) {
      const docs = await this.reads.getMany<Doc>(collection, [...ids]);
      for (const id of ids) this.emitChange(server, active, collection, id, docs.get(id) ?? null, position);
    }
    // The coarse messages of the first protocol.
    for (const accountId of accounts) {
      const room = `${ACCOUNT_ROOM_PREFIX}${accountId}`;
      if (active.has(room)) server.local.to(room).emit('account.updated', { accountId, position });
    }
    if (active.has(AUDIT_ROOM)) server.local.to(AUDIT_ROOM).emit('audit.appended', { after: Number(from), position });
    this.pushed = target;
  }

  private emitChange(server: Server, active: Map<string, TopicKind>, collection: string, id: string, doc: Doc | null, position: number): void {
    const key = docKey(collection, id);
    const rooms = doc !== null ? roomsOfDoc(collection, doc) : [...this.rooms].filter(([, s]) => s.docs.has(key)).map(([room]) => room);
    for (const room of rooms) {
      if (!active.has(room)) continue;
      let state = this.rooms.get(room);
      if (!state) this.rooms.set(room, (state = { seq: 0, docs: new Map() }));
      const changes = doc === null ? null : changedFields(state.docs.get(key), doc);
      if (doc !== null && changes === null) continue;
      if (doc === null) state.docs.delete(key);
      else state.docs.set(key, doc);
      state.seq += 1;
      const update: LiveUpdate = { room, collection, id, seq: state.seq, position, changes };
      server.local.to(room).emit('update', update);
    }
  }

  /** The lowest checkpoint of the projections the given kinds of room read. */
  private async checkpoint(kinds: ReadonlySet<TopicKind>): Promise<bigint> {
    const names = [...new Set([...kinds].flatMap((k) => LIVE_PROJECTIONS[k].map((p) => p.name)))];
    if (names.length === 0) return this.events.headPosition();
    const checkpoints = await Promise.all(names.map((name) => this.reads.getCheckpoint(name)));
    return checkpoints.reduce((min, c) => (c < min ? c : min));
  }

  /** What a room shows: the account (or strategy) document, and the newest of its growing collections. */
  private async roomDocuments(topic: Topic): Promise<LiveDocument[]> {
    const found: LiveDocument[] = [];
    const one = async (collection: string, id: string) => {
      const doc = await this.reads.get<Doc>(collection, id);
      if (doc !== null) found.push({ collection, id, doc });
    };
    const many = async (collection: string, where: Record<string, FieldCondition>, orderBy: string, idOf: (d: Doc) => string) => {
      const page = await this.reads.find<Doc>(collection, { where, orderBy: { field: orderBy, direction: 'desc' }, limit: SNAPSHOT_LIMIT });
      for (const doc of page.items) found.push({ collection, id: idOf(doc), doc });
    };
    if (topic.kind === 'account') {
      await one('accounts', topic.accountId);
      await many('positions', { accountId: topic.accountId }, 'instrument', (d) => `${String(d.accountId)}|${String(d.instrument)}`);
      await many('orders', { accountId: topic.accountId }, 'seq', (d) => String(d.orderId));
    } else if (topic.kind === 'strategy') {
      await one('strategies', topic.strategyId);
      await many('strategy_days', { strategyId: topic.strategyId }, 'date', (d) => `${String(d.strategyId)}|${String(d.date)}`);
      await many('orders', { strategyId: topic.strategyId }, 'seq', (d) => String(d.orderId));
    } else {
      await many('audit', {}, 'position', (d) => String(d.position).padStart(20, '0'));
    }
    return found;
  }
}

function refsOf(projections: readonly Projection[], event: Parameters<Projection['keys']>[0]) {
  return projections.flatMap((p) => (p.eventTypes === '*' || p.eventTypes.includes(event.type) ? p.keys(event) : []));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
