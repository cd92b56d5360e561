import { MongoServerError } from 'mongodb';
import { dropIndexIfPresent } from './mongo-documents';

describe('dropIndexIfPresent', () => {
  const collection = (error: unknown) => {
    const dropped: string[] = [];
    return {
      dropped,
      dropIndex: async (name: string) => {
        if (error !== null) throw error;
        dropped.push(name);
      },
    };
  };

  it('drops the index', async () => {
    const docs = collection(null);
    await dropIndexIfPresent(docs, 'ix_a');
    expect(docs.dropped).toEqual(['ix_a']);
  });

  it('takes IndexNotFound (code 27: another replica dropped the same undeclared index first) as done', async () => {
    await expect(dropIndexIfPresent(collection(new MongoServerError({ message: 'index not found with name [ix_a]', code: 27 })), 'ix_a')).resolves.toBeUndefined();
  });

  it('lets every other failure through', async () => {
    const other = new MongoServerError({ message: 'not authorized', code: 13 });
    await expect(dropIndexIfPresent(collection(other), 'ix_a')).rejects.toBe(other);
  });
});
