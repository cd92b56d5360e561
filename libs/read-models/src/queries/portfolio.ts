import { composePortfolio, type MarketMark, type PortfolioFigures, type ValuedHolding } from '@robo/domain';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../projections/accounts.projection';
import { LAST_PRICES_COLLECTION, type LastPriceDoc } from '../projections/prices.projection';
import { POSITIONS_COLLECTION, type PositionDoc } from '../projections/positions.projection';
import type { DocumentReader } from '../read-model-store.port';

export type PortfolioPosition = ValuedHolding;

/** The domain's portfolio figures (libs/domain/src/portfolio) of one account. */
export interface Portfolio extends PortfolioFigures {
  accountId: string;
}

/** Initial cash + deposits - withdrawals, as the accounts read model keeps them. */
export const netInflowOfAccount = (account: AccountDoc): number => account.initialCashPaise + account.depositedPaise - account.withdrawnPaise;

/** The account's portfolio at the recorded market prices. Pure: the caller reads the three inputs from the read store. */
export function accountPortfolio(account: AccountDoc, positions: readonly PositionDoc[], prices: ReadonlyMap<string, MarketMark>): Portfolio {
  const foreign = positions.find((p) => p.accountId !== account.accountId);
  if (foreign) throw new RangeError(`position ${foreign.accountId}|${foreign.instrument} does not belong to account ${account.accountId}`);
  const figures = composePortfolio({ cashPaise: account.cashPaise, reservedPaise: account.reservedPaise, netInflowPaise: netInflowOfAccount(account) }, positions, prices);
  return { accountId: account.accountId, ...figures };
}

/**
 * Marks from last_prices documents. A document without a recorded market time is one an older version of the prices
 * projection made from a fill: it is no market price, so it marks nothing (rebuild the projection to drop it).
 */
export function marksOf(prices: ReadonlyMap<string, LastPriceDoc>): Map<string, MarketMark> {
  return new Map([...prices].filter(([, doc]) => typeof doc.at === 'string').map(([instrument, doc]) => [instrument, { pricePaise: doc.pricePaise, at: doc.at }]));
}

/**
 * The live portfolio of an account from the read models (accounts, positions, last_prices), null when the account
 * does not exist. The one reader every caller uses (queries, the analyst's tools).
 */
export async function readPortfolio(store: DocumentReader, accountId: string): Promise<Portfolio | null> {
  const account = await ACCOUNTS_COLLECTION.get(store, accountId);
  return account ? portfolioOfAccount(store, account) : null;
}

/** The portfolio of an account document already read (the account list composes each line's equity with it). */
export async function portfolioOfAccount(store: DocumentReader, account: AccountDoc): Promise<Portfolio> {
  const positions: PositionDoc[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: PositionDoc[]; nextCursor: string | null } = await POSITIONS_COLLECTION.find(store, {
      where: { accountId: account.accountId },
      orderBy: { field: 'instrument', direction: 'asc' },
      limit: 1000,
      cursor,
    });
    positions.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  const prices = await LAST_PRICES_COLLECTION.getMany(store, positions.map((p) => p.instrument));
  return accountPortfolio(account, positions, marksOf(prices));
}
