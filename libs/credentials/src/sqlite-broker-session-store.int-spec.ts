import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteBrokerSessionStore } from './sqlite-broker-session-store';
import { brokerSessionStoreContract } from './testing/broker-session-store.contract';

brokerSessionStoreContract('SqliteBrokerSessionStore', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-broker-sessions-'));
  const file = path.join(dir, 'broker-sessions.db');
  return { open: () => SqliteBrokerSessionStore.open({ file }), dispose: async () => fs.rmSync(dir, { recursive: true, force: true }) };
});
