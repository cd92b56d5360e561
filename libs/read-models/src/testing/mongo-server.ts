import { execFileSync } from 'node:child_process';
import { itOrSkip } from '@robo/runtime/testing/skip';

/**
 * What answers at a MONGO_URL: MongoDB itself, or FerretDB (which says so in buildInfo.ferretdbVersion). Asked once
 * per test file, synchronously (a child process running the driver), because Jest declares tests before any of them
 * runs and a case FerretDB cannot pass must be declared skipped.
 */
export interface MongoServer {
  /** buildInfo.version: the MongoDB version the server implements (FerretDB answers the one it emulates). */
  version: string;
  /** buildInfo.ferretdbVersion, or null on MongoDB. */
  ferretdb: string | null;
}

const known = new Map<string, MongoServer>();

export function mongoServer(url: string): MongoServer {
  const cached = known.get(url);
  if (cached) return cached;
  const script = `
    const { MongoClient } = require('mongodb');
    const client = new MongoClient(process.env.PROBE_URL, { serverSelectionTimeoutMS: 5000 });
    client.db('admin').command({ buildInfo: 1 })
      .then((info) => process.stdout.write(JSON.stringify({ version: String(info.version), ferretdb: typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : null })))
      .catch((error) => { process.stderr.write(String(error && error.message)); process.exitCode = 1; })
      .finally(() => client.close());`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: __dirname, env: { ...process.env, PROBE_URL: url }, encoding: 'utf8' });
  const server = JSON.parse(out) as MongoServer;
  known.set(url, server);
  return server;
}

/**
 * `it` on MongoDB; on FerretDB, `it.skip` with the reason printed. Each reason is a row of the table in
 * docs/production.md ("FerretDB is not MongoDB").
 */
export function exceptOnFerretDb(server: MongoServer, reason: string): jest.It {
  return itOrSkip(server.ferretdb !== null && reason, `FerretDB ${server.ferretdb}`);
}

/** The differences the MongoDB suites meet on FerretDB 1.24, each a row of docs/production.md's table. */
export const FERRETDB_NO_RENAME_DROP_TARGET =
  'FerretDB 1.24 has no renameCollection with dropTarget (not implemented), which promoting a shadow copy uses to swap it in at once';
export const FERRETDB_NO_QUERY_PLANNER = "FerretDB 1.24's explain has no MongoDB query planner output (no winningPlan naming the index)";
export const FERRETDB_NON_ATOMIC_UPDATES =
  'FerretDB 1.24 applies an update as a read then a write, not atomically, and does not retry an upsert that lost a race on _id (E11000): writers racing on one document fail or an older one lands last';
export const FERRETDB_NEGATED_ARRAY_MATCH =
  "FerretDB 1.24 matches {'grants.accountId': {$ne: x}} on a document whose grants hold x (negation over an array of documents), so a repeated grant is pushed again";
