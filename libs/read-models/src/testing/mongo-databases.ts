import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';

/**
 * Names of fresh databases on the test server, one per call (`<prefix>_<random>`), all dropped after the suite: each
 * test of a MongoDB adapter gets an empty store without touching anything else on the server.
 */
export function throwawayDatabases(url: string, prefix: string): () => string {
  const created: string[] = [];
  afterAll(async () => {
    const admin = new MongoClient(url);
    try {
      for (const name of created) await admin.db(name).dropDatabase();
    } finally {
      await admin.close();
    }
  });
  return () => {
    const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    created.push(name);
    return name;
  };
}
