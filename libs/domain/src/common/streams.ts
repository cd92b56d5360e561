/** Stream names of the aggregates (ARCHITECTURE.md, "Streams"). */
export const accountStream = (accountId: string): string => `account-${accountId}`;
export const orderStream = (orderId: string): string => `order-${orderId}`;
export const strategyStream = (strategyId: string): string => `strategy-${strategyId}`;
