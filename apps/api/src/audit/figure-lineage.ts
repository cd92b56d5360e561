import { assertFigureOfAccount, explainFigure, FigureNotFoundError, parseFigure } from '@robo/audit';
import type { Lineage } from '@robo/contract';
import { accountStream } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import { ApiError } from '../common/api-error';
import { parsePosition } from '../queries/queries.dto';
import { MAX_CONTRIBUTIONS, type LineageQuery } from './audit.dto';

/** The events behind one figure of an account, from a log: the live api's, or a backtest run's. */
export async function figureLineage(events: EventStore, accountId: string, query: Omit<LineageQuery, 'accountId'>): Promise<Lineage> {
  try {
    parseFigure(query.figure);
  } catch (error) {
    throw new ApiError(400, 'UNKNOWN_FIGURE', (error as Error).message);
  }
  const [opened] = await events.readStream(accountStream(accountId), { maxCount: 1 });
  if (!opened) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
  // A figure of an instrument the account never traded is not a zero (the CLI refuses it the same way).
  try {
    await assertFigureOfAccount(events, accountId, query.figure);
  } catch (error) {
    if (error instanceof FigureNotFoundError) throw new ApiError(404, error.code, error.message, { instrument: error.instrument });
    throw error;
  }
  const limit = query.limit === undefined ? MAX_CONTRIBUTIONS : Number(query.limit);
  if (limit > MAX_CONTRIBUTIONS) throw new ApiError(400, 'VALIDATION_FAILED', `limit must be between 1 and ${MAX_CONTRIBUTIONS}`);
  return explainFigure(events, accountId, query.figure, { fromRevision: parsePosition(query.fromRevision), limit });
}
