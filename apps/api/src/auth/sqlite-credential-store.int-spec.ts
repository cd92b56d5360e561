import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteCredentialStore } from './sqlite-credential-store';
import { credentialStoreContract } from './testing/credential-store.contract';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cred-sqlite-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

credentialStoreContract('sqlite', () => SqliteCredentialStore.open({ file: path.join(dir, `auth-${++n}.db`) }));
