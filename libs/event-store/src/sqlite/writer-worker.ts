import { parentPort, workerData } from 'node:worker_threads';
import { StoreUnavailableError } from '../errors';
import { SqliteConnection } from './sqlite-connection';
import { asStoreError } from './sqlite-errors';
import { writeGroup } from './sqlite-writer';
import { outcomeToWire, toWire, type WriteCall, type WriteReply, type WriterThreadData } from './writer-thread';

/** The writer thread (see WriterThread): one connection, one group commit per message, answered in order. */
const { file, busyTimeoutMs, autocheckpointPages } = workerData as WriterThreadData;
let conn: SqliteConnection | null = null;

parentPort?.on('message', ({ id, requests, recordedAt }: WriteCall) => {
  let reply: WriteReply;
  try {
    conn ??= SqliteConnection.open({ file, busyTimeoutMs, create: false, autocheckpointPages });
    reply = { id, ok: true, outcomes: writeGroup(conn, requests, recordedAt).map(outcomeToWire) };
  } catch (error) {
    const mapped = asStoreError(error, 'appending');
    // As on the caller's thread: after an unavailability error the handle is dropped and the next group re-opens.
    if (mapped instanceof StoreUnavailableError) {
      conn?.close();
      conn = null;
    }
    reply = { id, ok: false, error: toWire(mapped) };
  }
  parentPort?.postMessage(reply);
});
