import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface Message {
  ruleId: string | null;
  message: string;
}

/** ESLint with the repository's config over a source text, as if it were the file at `filePath`. */
function lint(filePath: string, code: string): Message[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', filePath], { cwd: ROOT, input: code, encoding: 'utf8' });
  } catch (error) {
    // ESLint exits with 1 when it reports errors; its report is on stdout all the same.
    out = (error as { stdout?: string }).stdout ?? '';
    if (out === '') throw error;
  }
  const [result] = JSON.parse(out) as { messages: Message[] }[];
  return result.messages;
}

/** ESLint with the repository's config over files of the tree, as they are. */
function lintFiles(files: string[]): { filePath: string; messages: Message[] }[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [ESLINT, '--format', 'json', ...files], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    out = (error as { stdout?: string }).stdout ?? '';
    if (out === '') throw error;
  }
  return JSON.parse(out) as { filePath: string; messages: Message[] }[];
}

const rules = (messages: Message[]) => [...new Set(messages.map((m) => m.ruleId))].sort();

const PLANTED = `
import { NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';

export function decide(req: Request, found: boolean): string {
  if (!found) throw new NotFoundException('no such order');
  if (req.body === null) throw new ApiError(400, 'EMPTY', 'empty');
  return 'ok';
}
`;

const CLEAN = `
import { Injectable } from '@nestjs/common';
import { rejected, type Rejected } from '@robo/write-path';

@Injectable()
export class Decider {
  decide(found: boolean): Rejected | null {
    return found ? null : rejected('not_found', 'ORDER_NOT_FOUND', 'no such order');
  }
}
`;

describe('the write path imports nothing of HTTP (ESLint)', () => {
  it.each(['apps/api/src/orders/planted.handler.ts', 'apps/api/src/orders/planted.reactor.ts', 'apps/api/src/write/planted.ts', 'libs/write-path/src/planted.ts'])(
    'refuses HTTP exceptions, express and ApiError in %s',
    (file) => {
      const messages = lint(file, PLANTED);
      expect(rules(messages)).toEqual(['no-restricted-imports', 'no-restricted-syntax']);
      // Each of the three imports and both throws are reported.
      expect(messages.filter((m) => m.ruleId === 'no-restricted-imports')).toHaveLength(3);
      expect(messages.filter((m) => m.ruleId === 'no-restricted-syntax')).toHaveLength(2);
    },
  );

  it('lets outcomes and the rest of @nestjs/common through', () => {
    expect(lint('apps/api/src/orders/planted.handler.ts', CLEAN)).toEqual([]);
  });

  it('keeps the write path library free of Nest altogether (the api binds it in write.module.ts)', () => {
    const messages = lint('libs/write-path/src/planted.ts', CLEAN);
    expect(messages.map((m) => [m.ruleId, m.message])).toEqual([['no-restricted-imports', expect.stringContaining('free of Nest')]]);
    expect(lint('libs/write-path/src/planted.ts', CLEAN.replace("import { Injectable } from '@nestjs/common';\n", '').replace('@Injectable()\n', ''))).toEqual([]);
  });

  it('leaves the HTTP edge (a controller) free to use them', () => {
    expect(rules(lint('apps/api/src/orders/planted.controller.ts', PLANTED))).toEqual([]);
  });
});

const DIRECT_APPEND = `
import type { EventStore } from '@robo/event-store';

export async function record(store: EventStore): Promise<void> {
  await store.append('somewhere-1', [], { expectedRevision: 'any' });
}
`;

const directAppends = (messages: Message[]) => messages.filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('through the write step'));

describe('every event is appended through the write step (ESLint)', () => {
  it.each(['libs/analyst/src/planted.ts', 'apps/api/src/market/planted.service.ts', 'libs/paper/src/planted.ts'])('refuses a direct EventStore.append in %s', (file) => {
    expect(directAppends(lint(file, DIRECT_APPEND))).toHaveLength(1);
  });

  it('leaves the event store adapters their own appends', () => {
    expect(lint('libs/event-store/src/planted.ts', DIRECT_APPEND)).toEqual([]);
  });

  it('finds none in the writers that used to append directly, and the one in the write step is the declared exception', () => {
    const writers = [
      'libs/credentials/src/key-manager.ts',
      'apps/api/src/market/market-data.service.ts',
      'libs/analyst/src/interaction-log.ts',
      'libs/analyst/src/proposals/proposal-book.ts',
      'libs/write-path/src/aggregate-repository.ts',
    ];
    const results = lintFiles(writers);
    expect(results).toHaveLength(writers.length);
    for (const result of results) expect({ file: result.filePath, messages: result.messages }).toEqual({ file: result.filePath, messages: [] });
  });
});
