import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';

/*
 * A STAND-IN FOR THE PROTOCOL, NOT A SERVER. No EventStoreDB can run on the machines these tests run on, so this
 * answers the few gRPC calls the adapter's tests need, built from the client's own generated service definitions
 * (@eventstore/db-client/generated): Streams.Read (stream and $all reads, forwards and backwards, pages of `count`),
 * Streams.Append (expected revisions, wrong-expected-version answers) and ServerFeatures.GetSupportedMethods. It
 * keeps an in-memory log whose positions are byte offsets, like EventStoreDB's (not consecutive), and refuses a
 * read from a position where no record starts, as the server does. It knows nothing of subscriptions, ACLs,
 * clusters, scavenges or the server's size limits; the tests that use it check what the client and the adapter do
 * with these answers, never how a real server behaves. The integration tests (EVENTSTORE_URL) do that.
 */

export interface StoredRecord {
  streamName: string;
  id: string;
  type: string;
  revision: bigint;
  position: bigint;
  data: Buffer;
  metadata: Buffer;
  createdTicks: bigint;
}

export interface ResponderOptions {
  /** The first N GetSupportedMethods calls fail with this status code (default: none fail). */
  probeFailures?: { count: number; code: grpc.status };
  /** Reads of these streams answer "stream not found" this many times, although the stream exists. */
  unreadable?: Map<string, number>;
}

const TICKS_PER_MS = 10_000n;
/** Where the first record goes: EventStoreDB's log starts with its own records. */
const FIRST_POSITION = 4_096n;

export class GrpcResponder {
  readonly records: StoredRecord[] = [];
  /** Read calls started, and those not yet ended (neither completed by the responder nor cancelled by the client). */
  readsStarted = 0;
  openReads = 0;
  probes = 0;
  appends = 0;
  private nextPosition = FIRST_POSITION;
  private idleWaiters: (() => void)[] = [];
  private server: grpc.Server | null = null;
  private port = 0;

  constructor(private readonly options: ResponderOptions = {}) {}

  get url(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  async start(): Promise<this> {
    const server = new grpc.Server();
    server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void this.read(call),
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) => this.append(call, callback),
      delete: (_: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED }),
      tombstone: (_: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED }),
      batchAppend: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.emit('error', { code: grpc.status.UNIMPLEMENTED }),
    });
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_: unknown, callback: grpc.sendUnaryData<SupportedMethods>) => this.supportedMethods(callback),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }

  /** Resolves once no read call is open on the responder's side. */
  whenNoOpenReads(): Promise<void> {
    if (this.openReads === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Adds a record as an append would (for tests that need a log of a given shape). */
  put(streamName: string, type: string, data: unknown, metadata: unknown): StoredRecord {
    const revision = BigInt(this.records.filter((r) => r.streamName === streamName).length);
    const dataBytes = Buffer.from(JSON.stringify(data));
    const metadataBytes = Buffer.from(JSON.stringify(metadata));
    const record: StoredRecord = {
      streamName,
      id: (metadata as { eventId?: string }).eventId ?? randomUUID(),
      type,
      revision,
      position: this.nextPosition,
      data: dataBytes,
      metadata: metadataBytes,
      createdTicks: BigInt(Date.parse('2026-11-20T04:30:00.000Z')) * TICKS_PER_MS,
    };
    // Byte offsets: the next record starts after this one, so positions are never consecutive.
    this.nextPosition += BigInt(128 + dataBytes.length + metadataBytes.length);
    this.records.push(record);
    return record;
  }

  private supportedMethods(callback: grpc.sendUnaryData<SupportedMethods>): void {
    this.probes += 1;
    const failures = this.options.probeFailures;
    if (failures !== undefined && this.probes <= failures.count) {
      callback({ code: failures.code, details: 'stand-in: the capability probe fails' });
      return;
    }
    const methods = ['read', 'append'].map((name) => new SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName(name));
    callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('24.10.0-stand-in'));
  }

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    this.readsStarted += 1;
    this.openReads += 1;
    let open = true;
    const finish = (): void => {
      if (!open) return;
      open = false;
      this.openReads -= 1;
      if (this.openReads === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
    call.on('cancelled', finish);
    try {
      const options = call.request.getOptions();
      if (options === undefined) throw Object.assign(new Error('no options'), { code: grpc.status.INVALID_ARGUMENT });
      const selected = this.select(options);
      if (selected === 'not-found') {
        const streamName = Buffer.from(options.getStream()?.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
        const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(streamName)));
        await this.write(call, new ReadResp().setStreamNotFound(notFound), () => open);
      } else {
        for (const record of selected) {
          if (!open) return;
          await this.write(call, new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(toRecordedEvent(record)).setCommitPosition(record.position.toString())), () => open);
        }
      }
      if (open) call.end();
    } catch (error) {
      if (open) call.emit('error', { code: (error as { code?: grpc.status }).code ?? grpc.status.UNKNOWN, details: (error as Error).message });
    } finally {
      finish();
    }
  }

  /** Writes one message, waiting for the client to take the previous ones (gRPC flow control) when the buffer is full. */
  private async write(call: grpc.ServerWritableStream<ReadReq, ReadResp>, message: ReadResp, isOpen: () => boolean): Promise<void> {
    if (call.write(message) || !isOpen()) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        call.off('drain', done);
        call.off('cancelled', done);
        resolve();
      };
      call.on('drain', done);
      call.on('cancelled', done);
    });
  }

  private select(options: ReadReq.Options): StoredRecord[] | 'not-found' {
    const count = Number(options.getCount());
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    if (options.hasAll()) {
      const all = options.getAll()!;
      let from: number;
      if (all.hasStart()) from = 0;
      else if (all.hasEnd()) from = this.records.length - 1;
      else {
        const commit = BigInt(all.getPosition()!.getCommitPosition());
        const index = this.records.findIndex((r) => r.position === commit);
        // The server refuses a position where no record starts; the client reports it as an unknown error.
        if (index === -1 && !(backwards && commit >= this.nextPosition)) {
          throw Object.assign(new Error(`Invalid position ${commit}`), { code: grpc.status.UNKNOWN });
        }
        from = index === -1 ? this.records.length - 1 : index;
      }
      return backwards ? this.records.slice(Math.max(0, from - count + 1), from + 1).reverse() : this.records.slice(from, from + count);
    }
    const stream = options.getStream()!;
    const streamName = Buffer.from(stream.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
    const hidden = this.options.unreadable?.get(streamName) ?? 0;
    if (hidden > 0) {
      this.options.unreadable!.set(streamName, hidden - 1);
      return 'not-found';
    }
    const records = this.records.filter((r) => r.streamName === streamName);
    if (records.length === 0) return 'not-found';
    let from: number;
    if (stream.hasStart()) from = 0;
    else if (stream.hasEnd()) from = records.length - 1;
    else from = Math.min(Number(stream.getRevision()), records.length - 1);
    return backwards ? records.slice(Math.max(0, from - count + 1), from + 1).reverse() : records.slice(from, from + count);
  }

  private append(call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>): void {
    this.appends += 1;
    let header: AppendReq.Options | undefined;
    const proposed: AppendReq.ProposedMessage[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) header = req.getOptions();
      else if (req.hasProposedMessage()) proposed.push(req.getProposedMessage()!);
    });
    call.on('end', () => {
      if (header === undefined) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
        return;
      }
      const streamName = Buffer.from(header.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
      const current = this.records.filter((r) => r.streamName === streamName).length - 1;
      const conflict =
        (header.hasNoStream() && current >= 0) || (header.hasStreamExists() && current < 0) || (header.hasRevision() && BigInt(header.getRevision()) !== BigInt(current));
      if (conflict) {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (current >= 0) wrong.setCurrentRevision(String(current));
        else wrong.setCurrentNoStream(new Empty());
        if (header.hasNoStream()) wrong.setExpectedNoStream(new Empty());
        callback(null, new AppendResp().setWrongExpectedVersion(wrong));
        return;
      }
      let last: StoredRecord | undefined;
      for (const message of proposed) {
        const meta = message.getMetadataMap();
        last = this.put(streamName, meta.get('type') ?? '', JSON.parse(Buffer.from(message.getData_asU8()).toString('utf8') || 'null'), {});
        last.id = message.getId()!.getString();
        last.metadata = Buffer.from(message.getCustomMetadata_asU8());
      }
      const success = new AppendResp.Success().setCurrentRevision(String(last!.revision));
      success.setPosition(new AppendResp.Position().setCommitPosition(last!.position.toString()).setPreparePosition(last!.position.toString()));
      callback(null, new AppendResp().setSuccess(success));
    });
  }
}

function toRecordedEvent(record: StoredRecord): ReadResp.ReadEvent.RecordedEvent {
  const event = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(record.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(record.streamName)))
    .setStreamRevision(record.revision.toString())
    .setCommitPosition(record.position.toString())
    .setPreparePosition(record.position.toString())
    .setData(record.data)
    .setCustomMetadata(record.metadata);
  const meta = event.getMetadataMap();
  meta.set('type', record.type);
  meta.set('content-type', 'application/json');
  meta.set('created', record.createdTicks.toString());
  return event;
}
