import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from './collection';
import { ACCOUNTS_COLLECTION, type AccountDoc } from './projections/accounts.projection';
import { ORDERS_COLLECTION, type OrderDoc } from './projections/orders.projection';
import type { DocumentReader } from './read-model-store.port';

type Tally = { key: string; total: number };
type Label = { key: string; text: string };

const TALLIES = new Collection<Tally>('tallies', [['key']]);
const LABELS = new Collection<Label>('labels');

const event = (n: number) => ({ type: 'Counted', data: { n }, globalPosition: BigInt(n) }) as unknown as EventEnvelope;

describe('typed collection handles', () => {
  it('a projection over handles declares their specs and hands each applier its own documents', () => {
    const projection = defineProjection({
      name: 'tally',
      version: 1,
      eventTypes: ['Counted'],
      keys: () => [TALLIES.ref('a'), LABELS.ref('a')],
      appliers: [
        applyTo(TALLIES, (id, doc, e) => ({ key: id, total: (doc?.total ?? 0) + (e.data as { n: number }).n })),
        applyTo(LABELS, (id, doc) => ({ key: id, text: `${doc?.text ?? ''}+` })),
      ],
    });
    expect(projection.collections.map((c) => ({ name: c.name, indexes: c.indexes }))).toEqual([
      { name: 'tallies', indexes: [['key']] },
      { name: 'labels', indexes: [] },
    ]);
    expect(projection.keys(event(1))).toEqual([{ collection: 'tallies', id: 'a' }, { collection: 'labels', id: 'a' }]);
    expect(projection.apply(TALLIES.ref('a'), { key: 'a', total: 2 }, event(3))).toEqual({ key: 'a', total: 5 });
    expect(projection.apply(LABELS.ref('a'), null, event(3))).toEqual({ key: 'a', text: '+' });
    expect(() => projection.apply({ collection: 'other', id: 'a' }, null, event(3))).toThrow('projection tally has no collection other');
  });

  it('reads come back with the handle\'s document type, without a cast', async () => {
    const reader: DocumentReader = {
      get: async <T>(collection: string, id: string) => ({ key: id, total: collection.length }) as T,
      getMany: async () => new Map(),
      find: async () => ({ items: [], nextCursor: null }),
      count: async () => 0,
    };
    const tally: Tally | null = await TALLIES.get(reader, 'a');
    expect(tally?.total).toBe('tallies'.length);
  });

  it('does not compile a write of the wrong document type to a collection', () => {
    const account = { accountId: 'acc-1' } as AccountDoc;
    const order = { orderId: 'ord-1' } as OrderDoc;
    expect(ORDERS_COLLECTION.change('ord-1', order)).toMatchObject({ collection: 'orders', id: 'ord-1' });
    // @ts-expect-error an account document is not an order document
    ORDERS_COLLECTION.change('ord-1', account);
    // @ts-expect-error a label is not a tally
    applyTo(TALLIES, (id): Label => ({ key: id, text: 'x' }));
    // @ts-expect-error the applier of a tally is handed tallies, not labels
    applyTo(TALLIES, (_id, doc: Label | null) => doc);
    // @ts-expect-error one collection's handle does not stand for another's
    const accounts: Collection<OrderDoc> = ACCOUNTS_COLLECTION;
    expect(accounts.name).toBe('accounts');
  });
});
