import { createHash } from 'node:crypto';
import type { CollectionSpec, DeadLetter, FindQuery, ReadModelStore } from '../read-model-store.port';
import { itOrSkip } from '@robo/runtime/testing/skip';

/** Cases of the contract that a server may be unable to run (see ReadModelContractOptions). */
export type ReadModelContractCase = 'promoteShadow';

export interface ReadModelContractOptions {
  /**
   * Cases this server cannot pass for a reason of its own, not of the adapter's (FerretDB, see docs/production.md):
   * each is skipped with its reason printed. The adapter must still pass them on the server it is meant for.
   */
  unsupported?: Partial<Record<ReadModelContractCase, string>>;
}

/**
 * The behaviour every ReadModelStore adapter must show (SQLite and MongoDB).
 * The factory returns a fresh, empty store for each test; the suite closes it afterwards.
 */
export function readModelStoreContract(name: string, factory: () => Promise<ReadModelStore> | ReadModelStore, options: ReadModelContractOptions = {}): void {
  /** `it`, or `it.skip` with the reason printed when the case is unsupported. */
  const itCase = (key: ReadModelContractCase, title: string, fn: () => Promise<void>): void => itOrSkip(options.unsupported?.[key], `ReadModelStore contract (${name})`)(title, fn);

  describe(`ReadModelStore contract: ${name}`, () => {
    let store: ReadModelStore;

    const items: CollectionSpec = { name: 'items', indexes: [['group', 'score'], ['score'], ['active']] };
    const other: CollectionSpec = { name: 'other', indexes: [] };

    beforeEach(async () => {
      store = await factory();
      await store.ensureCollections([items, other]);
    });

    afterEach(async () => {
      await store.close();
    });

    async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
      await expect(promise).rejects.toMatchObject({ code });
    }

    /** Reads every page of a query and returns the ids in the order served. */
    async function readAllPages(collection: string, query: Omit<FindQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await store.find<{ id: string }>(collection, { ...query, cursor });
        ids.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
        pages += 1;
        if (pages > 100) throw new Error('paging did not end');
      } while (cursor !== null);
      return { ids, pages };
    }

    describe('collections', () => {
      it('ensureCollections is idempotent and keeps existing documents', async () => {
        await store.commit('p', [{ collection: 'items', id: 'a', doc: { id: 'a', score: 1 } }], 1n);
        await store.ensureCollections([items, other]);
        await store.ensureCollections([items]);
        expect(await store.get('items', 'a')).toEqual({ id: 'a', score: 1 });
        expect(await store.count('items')).toBe(1);
      });

      it('reads a collection that was never created as empty', async () => {
        expect(await store.get('never_created', 'x')).toBeNull();
        expect((await store.getMany('never_created', ['x'])).size).toBe(0);
        expect(await store.find('never_created', { orderBy: { field: 'a', direction: 'asc' }, limit: 10 })).toEqual({ items: [], nextCursor: null });
        expect(await store.count('never_created')).toBe(0);
      });

      it('refuses collection and field names outside [a-zA-Z_][a-zA-Z0-9_]*', async () => {
        await expectCode(store.ensureCollections([{ name: 'bad-name', indexes: [] }]), 'INVALID_NAME');
        await expectCode(store.ensureCollections([{ name: 'ok', indexes: [["x'); DROP TABLE rm_items; --"]] }]), 'INVALID_NAME');
        await expectCode(store.get('items; DROP TABLE x', 'a'), 'INVALID_NAME');
        expect(await store.count('items')).toBe(0);
      });
    });

    describe('documents', () => {
      it('reads back what was written: nested objects, arrays, null, booleans, fractional numbers', async () => {
        const doc = { id: 'a', name: 'Réliance ₹', qty: -10, avg: 2500.5, active: false, none: null, tags: ['x', 'y'], nested: { b: 2, a: [1, { c: true }] } };
        await store.commit('p', [{ collection: 'items', id: 'a', doc }], 1n);
        expect(await store.get('items', 'a')).toEqual(doc);
        expect(await store.get('items', 'missing')).toBeNull();
      });

      it('getMany returns the documents found, keyed by id, and skips missing ids', async () => {
        await store.commit(
          'p',
          [
            { collection: 'items', id: 'a', doc: { v: 1 } },
            { collection: 'items', id: 'b', doc: { v: 2 } },
            { collection: 'other', id: 'a', doc: { v: 99 } },
          ],
          1n,
        );
        const found = await store.getMany<{ v: number }>('items', ['a', 'b', 'zz', 'a']);
        expect([...found.entries()].sort()).toEqual([
          ['a', { v: 1 }],
          ['b', { v: 2 }],
        ]);
        expect((await store.getMany('items', [])).size).toBe(0);
      });

      it('a later change to the same id replaces the document, and doc null deletes it', async () => {
        await store.commit('p', [{ collection: 'items', id: 'a', doc: { v: 1, old: true } }], 1n);
        await store.commit('p', [{ collection: 'items', id: 'a', doc: { v: 2 } }, { collection: 'items', id: 'b', doc: { v: 3 } }], 2n);
        expect(await store.get('items', 'a')).toEqual({ v: 2 });
        await store.commit('p', [{ collection: 'items', id: 'b', doc: null }], 3n);
        expect(await store.get('items', 'b')).toBeNull();
        expect(await store.count('items')).toBe(1);
      });
    });

    describe('find and count', () => {
      // 12 documents: group g1 has ids i00..i05, g2 has i06..i11; score = index mod 3 (ties on purpose).
      beforeEach(async () => {
        const changes = Array.from({ length: 12 }, (_, i) => {
          const id = `i${String(i).padStart(2, '0')}`;
          return { collection: 'items', id, doc: { id, group: i < 6 ? 'g1' : 'g2', score: i % 3, active: i % 2 === 0, label: i === 4 ? null : `L${i}` } };
        });
        await store.commit('p', changes, 12n);
      });

      const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

      it('filters by equality, by {in}, by a range, by boolean and by null', async () => {
        const q = (where: FindQuery['where']) => store.find<{ id: string }>('items', { where, orderBy: { field: 'score', direction: 'asc' }, limit: 100 });
        // g1 = i00..i05; score 2 among them: i02 (2 mod 3 = 2), i05 (5 mod 3 = 2)
        expect(ids(await q({ group: 'g1', score: 2 }))).toEqual(['i02', 'i05']);
        // scores 0 or 2, ordered by score then id: score 0 = i00,i03,i06,i09; score 2 = i02,i05,i08,i11
        expect(ids(await q({ score: { in: [0, 2] } }))).toEqual(['i00', 'i03', 'i06', 'i09', 'i02', 'i05', 'i08', 'i11']);
        // 1 <= score < 2 means score 1: i01,i04,i07,i10
        expect(ids(await q({ score: { gte: 1, lt: 2 } }))).toEqual(['i01', 'i04', 'i07', 'i10']);
        // active = even index; in g2 the even ones are i06,i08,i10 (scores 0,2,1)
        expect(ids(await q({ group: 'g2', active: true }))).toEqual(['i06', 'i10', 'i08']);
        expect(ids(await q({ label: null }))).toEqual(['i04']);
        expect(ids(await q({ label: { in: [null, 'L1'] } }))).toEqual(['i01', 'i04']);
        expect(ids(await q({ score: { in: [] } }))).toEqual([]);
        // a number never equals a boolean or a string
        expect(ids(await q({ active: 1 }))).toEqual([]);
        expect(ids(await q({ score: '1' }))).toEqual([]);
        // an undefined condition means "any"
        expect(ids(await q({ group: 'g1', score: undefined as unknown as number }))).toHaveLength(6);
      });

      it('orders by the field then by id, ascending and descending', async () => {
        const asc = await store.find<{ id: string }>('items', { where: { group: 'g1' }, orderBy: { field: 'score', direction: 'asc' }, limit: 100 });
        expect(ids(asc)).toEqual(['i00', 'i03', 'i01', 'i04', 'i02', 'i05']);
        const desc = await store.find<{ id: string }>('items', { where: { group: 'g1' }, orderBy: { field: 'score', direction: 'desc' }, limit: 100 });
        expect(ids(desc)).toEqual(['i05', 'i02', 'i04', 'i01', 'i03', 'i00']);
        expect(asc.nextCursor).toBeNull();
      });

      it('pages through ties in the sort field without losing or repeating an item', async () => {
        // 12 docs, 5 per page: pages of 5, 5, 2
        const ascending = await readAllPages('items', { orderBy: { field: 'score', direction: 'asc' }, limit: 5 });
        expect(ascending.pages).toBe(3);
        expect(ascending.ids).toEqual(['i00', 'i03', 'i06', 'i09', 'i01', 'i04', 'i07', 'i10', 'i02', 'i05', 'i08', 'i11']);
        const descending = await readAllPages('items', { orderBy: { field: 'score', direction: 'desc' }, limit: 2 });
        expect(descending.pages).toBe(6);
        expect(descending.ids).toEqual(['i11', 'i08', 'i05', 'i02', 'i10', 'i07', 'i04', 'i01', 'i09', 'i06', 'i03', 'i00']);
      });

      it('pages {in} on another field than the sort field in sort order, each match once', async () => {
        // g1 and g2 are all twelve; a value listed twice must not list its documents twice.
        const both = await readAllPages('items', { where: { group: { in: ['g2', 'g1', 'g2'] } }, orderBy: { field: 'score', direction: 'asc' }, limit: 5 });
        expect(both.ids).toEqual(['i00', 'i03', 'i06', 'i09', 'i01', 'i04', 'i07', 'i10', 'i02', 'i05', 'i08', 'i11']);
        expect(both.pages).toBe(3);
        // null matches i04, 'L1' i01, 'L7' i07, the number 1 no string label; all three have score 1: ordered by id, descending.
        const labels = await readAllPages('items', { where: { label: { in: [null, 'L1', 'L7', 1, 'L1'] } }, orderBy: { field: 'score', direction: 'desc' }, limit: 2 });
        expect(labels.ids).toEqual(['i07', 'i04', 'i01']);
        // with another condition beside it: the even ones (active) of both groups, by score descending
        const active = await readAllPages('items', { where: { group: { in: ['g1', 'g2'] }, active: true }, orderBy: { field: 'score', direction: 'desc' }, limit: 4 });
        expect(active.ids).toEqual(['i08', 'i02', 'i10', 'i04', 'i06', 'i00']);
      });

      it('pages with null and missing order values: first ascending, last descending', async () => {
        await store.commit('p', [{ collection: 'items', id: 'n1', doc: { id: 'n1', group: 'g3', label: 'x' } }], 13n);
        // label: i04 is null, n1 has 'x', the others 'L<i>'; strings compare by code unit: 'L0' < 'L1' < 'L10' < 'L11' < 'L2' ... < 'x'
        const asc = await readAllPages('items', { orderBy: { field: 'label', direction: 'asc' }, limit: 4 });
        expect(asc.ids).toEqual(['i04', 'i00', 'i01', 'i10', 'i11', 'i02', 'i03', 'i05', 'i06', 'i07', 'i08', 'i09', 'n1']);
        const desc = await readAllPages('items', { orderBy: { field: 'label', direction: 'desc' }, limit: 3 });
        expect(desc.ids).toEqual([...asc.ids].reverse());
        // 'missing' is absent from every document: everything ties, so the order is by id alone
        const missing = await readAllPages('items', { orderBy: { field: 'missing', direction: 'asc' }, limit: 5 });
        expect(missing.ids).toEqual([...missing.ids].sort());
        expect(missing.ids).toHaveLength(13);
      });

      it('pages with a filter and the page size equal to the result size', async () => {
        const page = await store.find<{ id: string }>('items', { where: { group: 'g2' }, orderBy: { field: 'score', direction: 'asc' }, limit: 6 });
        expect(page.items).toHaveLength(6);
        expect(page.nextCursor).toBeNull();
        const paged = await readAllPages('items', { where: { group: 'g2' }, orderBy: { field: 'score', direction: 'asc' }, limit: 1 });
        expect(paged.ids).toEqual(['i06', 'i09', 'i07', 'i10', 'i08', 'i11']);
      });

      it('counts with and without a filter', async () => {
        expect(await store.count('items')).toBe(12);
        expect(await store.count('items', { group: 'g1' })).toBe(6);
        // score >= 1: 12 - 4 docs with score 0 = 8; of those active (even index): i02,i04,i08,i10 = 4
        expect(await store.count('items', { score: { gte: 1 }, active: true })).toBe(4);
      });

      it('refuses a limit outside 1..1000, bad field names and malformed conditions with INVALID_QUERY', async () => {
        const orderBy = { field: 'score', direction: 'asc' } as const;
        await expectCode(store.find('items', { orderBy, limit: 0 }), 'INVALID_QUERY');
        await expectCode(store.find('items', { orderBy, limit: 1001 }), 'INVALID_QUERY');
        await expectCode(store.find('items', { orderBy, limit: 2.5 }), 'INVALID_QUERY');
        await expectCode(store.find('items', { orderBy: { field: 'a.b', direction: 'asc' }, limit: 5 }), 'INVALID_QUERY');
        await expectCode(store.find('items', { where: { "x'": 1 }, orderBy, limit: 5 }), 'INVALID_QUERY');
        await expectCode(store.find('items', { where: { score: { gte: 1, lt: 'z' } }, orderBy, limit: 5 }), 'INVALID_QUERY');
        await expectCode(store.count('items', { score: { regex: '.*' } as never }), 'INVALID_QUERY');
      });

      it('refuses a malformed cursor or one from another ordering with INVALID_CURSOR', async () => {
        const orderBy = { field: 'score', direction: 'asc' } as const;
        const first = await store.find('items', { orderBy, limit: 2 });
        expect(first.nextCursor).not.toBeNull();
        await expectCode(store.find('items', { orderBy, limit: 2, cursor: 'not a cursor!' }), 'INVALID_CURSOR');
        await expectCode(store.find('items', { orderBy, limit: 2, cursor: Buffer.from('{"a":1}').toString('base64url') }), 'INVALID_CURSOR');
        await expectCode(store.find('items', { orderBy: { field: 'score', direction: 'desc' }, limit: 2, cursor: first.nextCursor }), 'INVALID_CURSOR');
      });
    });

    describe('commit', () => {
      it('writes nothing and keeps the checkpoint when a change holds a bigint', async () => {
        await store.commit('p', [{ collection: 'items', id: 'keep', doc: { v: 1 } }], 5n);
        await expectCode(
          store.commit(
            'p',
            [
              { collection: 'items', id: 'a', doc: { v: 1 } },
              { collection: 'items', id: 'keep', doc: { v: 2 } },
              { collection: 'items', id: 'b', doc: { v: 10n } },
            ],
            9n,
          ),
          'INVALID_DOCUMENT',
        );
        expect(await store.get('items', 'a')).toBeNull();
        expect(await store.get('items', 'keep')).toEqual({ v: 1 });
        expect(await store.getCheckpoint('p')).toBe(5n);
      });

      it('writes nothing when a change names a bad or unknown collection', async () => {
        await expectCode(
          store.commit('p', [{ collection: 'items', id: 'a', doc: { v: 1 } }, { collection: 'bad-name', id: 'x', doc: { v: 1 } }], 3n),
          'INVALID_NAME',
        );
        await expectCode(
          store.commit('p', [{ collection: 'items', id: 'a', doc: { v: 1 } }, { collection: 'not_ensured', id: 'x', doc: { v: 1 } }], 3n),
          'UNKNOWN_COLLECTION',
        );
        expect(await store.get('items', 'a')).toBeNull();
        expect(await store.getCheckpoint('p')).toBe(0n);
      });

      it('refuses other values that JSON cannot represent exactly', async () => {
        await expectCode(store.commit('p', [{ collection: 'items', id: 'a', doc: { v: Number.NaN } }], 1n), 'INVALID_DOCUMENT');
        await expectCode(store.commit('p', [{ collection: 'items', id: 'a', doc: { v: [undefined] } }], 1n), 'INVALID_DOCUMENT');
        await expectCode(store.commit('p', [{ collection: 'items', id: 'a', doc: { v: new Map() } }], 1n), 'INVALID_DOCUMENT');
        expect(await store.count('items')).toBe(0);
      });
    });

    describe('checkpoints', () => {
      it('starts at 0n, moves with each commit, and is independent per projection', async () => {
        expect(await store.getCheckpoint('a')).toBe(0n);
        await store.commit('a', [], 7n);
        await store.commit('b', [], 3n);
        await store.commit('a', [], 7n); // an equal checkpoint is a harmless re-commit
        await store.commit('a', [], 2n ** 60n);
        expect(await store.getCheckpoint('a')).toBe(2n ** 60n);
        expect(await store.getCheckpoint('b')).toBe(3n);
        const list = await store.listCheckpoints();
        expect(list.map((c) => [c.projection, c.position])).toEqual([
          ['a', 2n ** 60n],
          ['b', 3n],
        ]);
        for (const info of list) expect(Number.isNaN(Date.parse(info.updatedAt ?? ''))).toBe(false);
      });

      it('refuses a checkpoint lower than the stored one and writes nothing', async () => {
        await store.commit('p', [], 10n);
        await expectCode(store.commit('p', [{ collection: 'items', id: 'a', doc: { v: 1 } }], 9n), 'CHECKPOINT_REGRESSION');
        expect(await store.get('items', 'a')).toBeNull();
        expect(await store.getCheckpoint('p')).toBe(10n);
      });
    });

    describe('reset', () => {
      it("drops the projection's documents and checkpoint and leaves the rest", async () => {
        await store.commit('p', [{ collection: 'items', id: 'a', doc: { v: 1 } }], 4n);
        await store.commit('q', [{ collection: 'other', id: 'a', doc: { v: 2 } }], 6n);
        await store.reset('p', ['items']);
        expect(await store.count('items')).toBe(0);
        expect(await store.getCheckpoint('p')).toBe(0n);
        expect(await store.get('other', 'a')).toEqual({ v: 2 });
        expect(await store.getCheckpoint('q')).toBe(6n);
        // usable again from scratch
        await store.commit('p', [{ collection: 'items', id: 'b', doc: { v: 3 } }], 1n);
        expect(await store.get('items', 'b')).toEqual({ v: 3 });
      });
    });

    describe('checksum', () => {
      // Ids are ordered as UTF-8 bytes (SQLite's BINARY collation; MongoDB's default string order), not as JS UTF-16 sort.
      it('is sha256 over "id\\ndoc\\n" per document, ordered by id, docs as JSON with sorted keys', async () => {
        await store.commit('p', [{ collection: 'items', id: 'b', doc: { z: 1, a: { y: [1, 'x'], b: null } } }, { collection: 'items', id: 'a', doc: { k: true } }], 1n);
        const expected = createHash('sha256').update('a\n{"k":true}\nb\n{"a":{"b":null,"y":[1,"x"]},"z":1}\n').digest('hex');
        expect(await store.checksum('items')).toEqual({ count: 2, sha256: expected });
      });

      it('orders ids by their UTF-8 bytes', async () => {
        // UTF-8: é = C3 A9, ｚ (U+FF5A) = EF BD 9A, 😀 (U+1F600) = F0 9F 98 80; UTF-16 would put 😀 (D83D) before ｚ (FF5A).
        await store.commit('p', ['😀', 'ｚ', 'é'].map((id) => ({ collection: 'items', id, doc: {} })), 1n);
        const expected = createHash('sha256').update('é\n{}\nｚ\n{}\n😀\n{}\n').digest('hex');
        expect(await store.checksum('items')).toEqual({ count: 3, sha256: expected });
      });

      it('is equal for equal content written in a different order, and differs when content differs', async () => {
        await store.commit('p', [{ collection: 'items', id: 'x', doc: { a: 1, b: { c: 2, d: 3 } } }, { collection: 'items', id: 'y', doc: { q: [1, 2] } }], 1n);
        await store.commit('p', [{ collection: 'other', id: 'y', doc: { q: [0] } }], 2n);
        await store.commit('p', [{ collection: 'other', id: 'x', doc: { b: { d: 3, c: 2 }, a: 1 } }, { collection: 'other', id: 'y', doc: { q: [1, 2] } }], 3n);
        const left = await store.checksum('items');
        expect(left.count).toBe(2);
        expect(await store.checksum('other')).toEqual(left);
        await store.commit('p', [{ collection: 'other', id: 'y', doc: { q: [2, 1] } }], 4n);
        expect((await store.checksum('other')).sha256).not.toBe(left.sha256);
      });

      it('of an empty collection is the digest of nothing', async () => {
        // sha256 of the empty string
        expect(await store.checksum('items')).toEqual({ count: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
      });
    });

    const letter = (projection: string, position: bigint, over: Partial<DeadLetter> = {}): DeadLetter => ({
      id: `${projection}:${position}`,
      projection,
      position,
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      eventType: 'Thing',
      stream: 'thing-1',
      streamRevision: position - 1n,
      docKeys: ['items/a'],
      error: 'Error: boom',
      blockedBy: null,
      parkedAt: '2026-11-20T04:30:00.000Z',
      attempts: 1,
      ...over,
    });

    describe('dead letters', () => {
      it('parks letters with a commit, lists them in position order, counts them, and removes them on a retry commit', async () => {
        await store.commit('p', [{ collection: 'items', id: 'b', doc: { v: 1 } }], 5n, { park: [letter('p', 4n)] });
        await store.commit('p', [], 9n, { park: [letter('p', 7n, { blockedBy: 'p:4', error: null, attempts: 0 })] });
        await store.commit('q', [], 3n, { park: [letter('q', 2n)] });
        expect(await store.listDeadLetters({ projection: 'p' })).toEqual([letter('p', 4n), letter('p', 7n, { blockedBy: 'p:4', error: null, attempts: 0 })]);
        expect((await store.listDeadLetters()).map((l) => l.id)).toEqual(['p:4', 'p:7', 'q:2']);
        expect(await store.countDeadLetters()).toEqual({ p: 2, q: 1 });
        await store.commitRetry('p', [{ collection: 'items', id: 'a', doc: { v: 2 } }], { remove: ['p:4'], park: [letter('p', 7n, { attempts: 2 })] });
        expect(await store.listDeadLetters({ projection: 'p' })).toEqual([letter('p', 7n, { attempts: 2 })]);
        expect(await store.get('items', 'a')).toEqual({ v: 2 });
        expect(await store.getCheckpoint('p')).toBe(9n);
        await store.reset('p', ['items']);
        expect(await store.countDeadLetters()).toEqual({ q: 1 });
      });
    });

    describe('shadow copies', () => {
      it('lists per-document digests in id order, page by page', async () => {
        await store.commit('p', ['c', 'a', 'b'].map((id) => ({ collection: 'items', id, doc: { id } })), 1n);
        const first = await store.digests('items', { limit: 2 });
        expect(first.map((d) => d.id)).toEqual(['a', 'b']);
        expect(first[0]!.sha256).toBe(createHash('sha256').update('{"id":"a"}').digest('hex'));
        expect((await store.digests('items', { after: 'b', limit: 2 })).map((d) => d.id)).toEqual(['c']);
        expect(await store.digests('missing_collection', { limit: 2 })).toEqual([]);
      });

      itCase('promoteShadow', 'promotes a shadow: its documents, checkpoint and dead letters replace the live ones; refused if the live checkpoint moved', async () => {
        const shadowSpec: CollectionSpec = { name: 'items__shadow', indexes: [['score']] };
        await store.ensureCollections([shadowSpec]);
        await store.commit('p', [{ collection: 'items', id: 'old', doc: { score: 1 } }], 10n, { park: [letter('p', 3n)] });
        await store.commit('p__shadow', [{ collection: 'items__shadow', id: 'new', doc: { score: 2 } }], 10n, { park: [letter('p__shadow', 8n, { blockedBy: 'p__shadow:6' })] });
        const request = { projection: 'p', shadowProjection: 'p__shadow', collections: [{ live: 'items', shadow: 'items__shadow' }], expectedCheckpoint: 9n };
        await expectCode(store.promoteShadow(request), 'CHECKPOINT_MOVED');
        expect(await store.get('items', 'old')).toEqual({ score: 1 });
        await store.promoteShadow({ ...request, expectedCheckpoint: 10n });
        expect(await store.get('items', 'old')).toBeNull();
        expect(await store.get('items', 'new')).toEqual({ score: 2 });
        expect(await store.getCheckpoint('p')).toBe(10n);
        expect(await store.getCheckpoint('p__shadow')).toBe(0n);
        expect((await store.listDeadLetters()).map((l) => [l.id, l.projection, l.blockedBy])).toEqual([['p:8', 'p', 'p:6']]);
        const page = await store.find<{ score: number }>('items', { where: { score: { gte: 2 } }, orderBy: { field: 'score', direction: 'asc' }, limit: 5 });
        expect(page.items).toEqual([{ score: 2 }]);
        // The shadow can be made again for the next rebuild, and the live collection keeps taking writes.
        await store.ensureCollections([shadowSpec, items]);
        await store.commit('p', [{ collection: 'items', id: 'later', doc: { score: 3 } }], 11n);
        expect(await store.count('items')).toBe(2);
        expect(await store.count('items__shadow')).toBe(0);
      });
    });

    describe('leases', () => {
      const T0 = 1_800_000_000_000;

      it('is taken when free, renewed by its owner, refused to another owner until it expires, then taken over', async () => {
        expect(await store.acquireLease('projector', 'a', { ttlMs: 1000, nowMs: T0 })).toEqual({ held: true, owner: 'a', expiresAtMs: T0 + 1000 });
        expect(await store.acquireLease('projector', 'b', { ttlMs: 1000, nowMs: T0 + 500 })).toEqual({ held: false, owner: 'a', expiresAtMs: T0 + 1000 });
        expect(await store.acquireLease('projector', 'a', { ttlMs: 1000, nowMs: T0 + 900 })).toEqual({ held: true, owner: 'a', expiresAtMs: T0 + 1900 });
        expect(await store.acquireLease('projector', 'b', { ttlMs: 1000, nowMs: T0 + 1899 })).toMatchObject({ held: false, owner: 'a' });
        // Expired at T0 + 1900 exactly: b takes it, and a is now the one refused.
        expect(await store.acquireLease('projector', 'b', { ttlMs: 1000, nowMs: T0 + 1900 })).toEqual({ held: true, owner: 'b', expiresAtMs: T0 + 2900 });
        expect(await store.acquireLease('projector', 'a', { ttlMs: 1000, nowMs: T0 + 2000 })).toEqual({ held: false, owner: 'b', expiresAtMs: T0 + 2900 });
        // Leases are independent by name.
        expect(await store.acquireLease('other', 'a', { ttlMs: 1000, nowMs: T0 + 2000 })).toMatchObject({ held: true, owner: 'a' });
      });

      it('is released only by its owner, and is then free for anyone', async () => {
        await store.acquireLease('projector', 'a', { ttlMs: 60_000, nowMs: T0 });
        await store.releaseLease('projector', 'b');
        expect(await store.acquireLease('projector', 'b', { ttlMs: 1000, nowMs: T0 + 1 })).toMatchObject({ held: false, owner: 'a' });
        await store.releaseLease('projector', 'a');
        expect(await store.acquireLease('projector', 'b', { ttlMs: 1000, nowMs: T0 + 2 })).toEqual({ held: true, owner: 'b', expiresAtMs: T0 + 1002 });
        await expect(store.releaseLease('never-taken', 'a')).resolves.toBeUndefined();
      });

      it('gives the lease to exactly one of many concurrent takers', async () => {
        const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => store.acquireLease('race', `owner-${i}`, { ttlMs: 1000, nowMs: T0 })));
        const winners = answers.filter((a) => a.held);
        expect(winners).toHaveLength(1);
        expect(answers.every((a) => a.owner === winners[0]!.owner)).toBe(true);
      });

      it('refuses bad arguments with INVALID_QUERY and changes nothing', async () => {
        await expectCode(store.acquireLease('', 'a', { ttlMs: 1000, nowMs: T0 }), 'INVALID_QUERY');
        await expectCode(store.acquireLease('projector', '', { ttlMs: 1000, nowMs: T0 }), 'INVALID_QUERY');
        await expectCode(store.acquireLease('projector', 'a', { ttlMs: 0, nowMs: T0 }), 'INVALID_QUERY');
        await expectCode(store.acquireLease('projector', 'a', { ttlMs: 1.5, nowMs: T0 }), 'INVALID_QUERY');
        await expectCode(store.acquireLease('projector', 'a', { ttlMs: 1000, nowMs: Number.NaN }), 'INVALID_QUERY');
        await expectCode(store.releaseLease('projector', 'x'.repeat(201)), 'INVALID_QUERY');
        expect(await store.acquireLease('projector', 'b', { ttlMs: 1000, nowMs: T0 })).toMatchObject({ held: true, owner: 'b' });
      });
    });

    describe('lifecycle', () => {
      it('answers ping while open and fails with READ_STORE_UNAVAILABLE once closed', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await expectCode(store.ping(), 'READ_STORE_UNAVAILABLE');
        await expectCode(store.get('items', 'a'), 'READ_STORE_UNAVAILABLE');
        await expectCode(store.commit('p', [], 1n), 'READ_STORE_UNAVAILABLE');
      });
    });
  });
}
