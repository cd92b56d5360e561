import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ReactorCheckpointStore } from './reactor-checkpoints.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { SqliteReactorCheckpoints } from './sqlite/sqlite-reactor-checkpoints';
import { reactorCheckpointStream, StreamReactorCheckpoints } from './stream-reactor-checkpoints';

const SAVED_AT = '2026-11-20T04:30:00.000Z';

describe.each([
  ['the SQLite event file', (file: string) => SqliteReactorCheckpoints.open({ file })],
  ['a stream of the log', (file: string) => new StreamReactorCheckpoints(SqliteEventStore.open({ file }))],
])('reactor checkpoints in %s', (_where, open: (file: string) => ReactorCheckpointStore) => {
  let dir: string;
  let file: string;
  let events: SqliteEventStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactor-checkpoints-'));
    file = path.join(dir, 'events.db');
    events = SqliteEventStore.open({ file });
  });
  afterEach(async () => {
    await events.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers null before the first save, then the last saved position, per reactor, across reopening', async () => {
    const first = open(file);
    expect(await first.load('settlement')).toBeNull();
    await first.save('settlement', 7n, SAVED_AT);
    await first.save('settlement', 12n, SAVED_AT);
    await first.save('other', 3n, SAVED_AT);
    await first.close();
    const second = open(file);
    expect(await second.load('settlement')).toBe(12n);
    expect(await second.load('other')).toBe(3n);
    expect(await second.load('never')).toBeNull();
    await second.close();
  });
});

it('the SQLite table leaves the log alone; the stream store appends to the reactor stream only', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactor-checkpoints-'));
  const file = path.join(dir, 'events.db');
  const events = SqliteEventStore.open({ file });
  try {
    const table = SqliteReactorCheckpoints.open({ file });
    await table.save('settlement', 5n, SAVED_AT);
    await table.close();
    expect(await events.headPosition()).toBe(0n);
    await new StreamReactorCheckpoints(events).save('settlement', 5n, SAVED_AT);
    const all = await events.readAll();
    expect(all.map((e) => e.streamName)).toEqual([reactorCheckpointStream('settlement')]);
  } finally {
    await events.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
