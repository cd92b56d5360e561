import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AppConfig, loadConfig } from '@robo/runtime';
import { createApp } from '../src/bootstrap';

/** A Friday inside NSE market hours (IST); the simulated clock starts here whatever today is. */
export const MARKET_OPEN_INSTANT = '2026-11-20T10:00:00+05:30';

export interface TestApp {
  app: INestApplication;
  server: Parameters<typeof import('supertest')>[0];
  config: AppConfig;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'robo-e2e-'));
  const config = loadConfig({ DATA_DIR: dataDir, CLOCK_START: MARKET_OPEN_INSTANT, LOG_LEVEL: 'silent', PORT: '0', ...env });
  const app = await createApp(config);
  await app.init();
  return {
    app,
    server: app.getHttpServer(),
    config,
    dataDir,
    async close() {
      await app.close();
    },
  };
}
