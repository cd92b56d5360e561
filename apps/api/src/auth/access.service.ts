import { Inject, Injectable } from '@nestjs/common';
import { orderStream } from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ApiError } from '../common/api-error';
import type { Principal } from './principal';
import { isAccountScoped } from '@robo/credentials';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ACCOUNT_STREAM = new RegExp(`^account-(${UUID})$`);
const ORDER_STREAM = new RegExp(`^order-(${UUID})$`);
const POSITION_STREAM = new RegExp(`^position-(${UUID})-.+$`);
const ORDER_CACHE_LIMIT = 50_000;

/** read: queries; trade: a trader's or admin's commands; execute: execution reports (fills, triggers) from a broker. */
export type AccessMode = 'read' | 'trade' | 'execute';

/**
 * Which accounts a caller may read or trade. Admins and auditors see every account; traders and viewers only
 * the accounts granted to their key. An account or order the caller may not see answers exactly like one that
 * does not exist (404 with the same code), so a stranger learns nothing about other people's ids; a caller whose
 * role may not do something at all gets a 403 (decided by the AuthGuard before any lookup).
 * A broker key reports executions on the orders of every account (the orders it was sent) and reads nothing: an
 * execution feed covers all the accounts that route through it, and a grant per account would have to follow
 * every account a trader opens.
 */
@Injectable()
export class AccessService {
  /** An order's account never changes: remembered once read from the log. */
  private readonly orderAccounts = new Map<string, string>();

  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  account(principal: Principal, accountId: string, mode: AccessMode): void {
    this.assertMode(principal, mode);
    if (isAccountScoped(principal.role) && !principal.accountIds.has(accountId)) {
      throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
    }
  }

  async order(principal: Principal, orderId: string, mode: AccessMode): Promise<void> {
    this.assertMode(principal, mode);
    if (!isAccountScoped(principal.role)) return;
    const accountId = await this.accountOfOrder(orderId);
    if (accountId === null || !principal.accountIds.has(accountId)) throw new ApiError(404, 'ORDER_NOT_FOUND', `order ${orderId} does not exist`);
  }

  /** The account filter a list must apply: null for all accounts, else the granted ones. */
  visibleAccounts(principal: Principal): string[] | null {
    if (principal.role === 'broker') return [];
    return isAccountScoped(principal.role) ? [...principal.accountIds] : null;
  }

  /** A stream of the log, by the account it belongs to; streams of no account are for auditors and admins. */
  async stream(principal: Principal, stream: string): Promise<void> {
    if (principal.role === 'broker') throw new ApiError(403, 'FORBIDDEN', 'the broker role may not read the log', { role: principal.role });
    if (!isAccountScoped(principal.role)) return;
    const notFound = new ApiError(404, 'STREAM_NOT_FOUND', `stream ${stream} does not exist`);
    const accountId = ACCOUNT_STREAM.exec(stream)?.[1] ?? POSITION_STREAM.exec(stream)?.[1];
    if (accountId !== undefined) {
      if (!principal.accountIds.has(accountId)) throw notFound;
      return;
    }
    const orderId = ORDER_STREAM.exec(stream)?.[1];
    if (orderId !== undefined) {
      const owner = await this.accountOfOrder(orderId);
      if (owner === null || !principal.accountIds.has(owner)) throw notFound;
      return;
    }
    throw new ApiError(403, 'FORBIDDEN', 'only auditors and admins may read streams that belong to no account', { role: principal.role });
  }

  async accountOfOrder(orderId: string): Promise<string | null> {
    const known = this.orderAccounts.get(orderId);
    if (known !== undefined) return known;
    const [first] = await this.events.readStream(orderStream(orderId), { maxCount: 1 });
    const accountId = (first?.data as { accountId?: unknown } | undefined)?.accountId;
    if (typeof accountId !== 'string') return null;
    if (this.orderAccounts.size >= ORDER_CACHE_LIMIT) {
      const oldest = this.orderAccounts.keys().next().value;
      if (oldest !== undefined) this.orderAccounts.delete(oldest);
    }
    this.orderAccounts.set(orderId, accountId);
    return accountId;
  }

  private assertMode(principal: Principal, mode: AccessMode): void {
    // The AuthGuard's @Roles already refuses these; checked again so that a route declared too widely stays safe.
    if (mode === 'trade' && principal.role !== 'trader' && principal.role !== 'admin') {
      throw new ApiError(403, 'FORBIDDEN', `the ${principal.role} role may not issue commands`, { role: principal.role });
    }
    // Executions come from the broker (or an admin correcting the record), never from the person trading.
    if (mode === 'execute' && principal.role !== 'broker' && principal.role !== 'admin') {
      throw new ApiError(403, 'FORBIDDEN', `the ${principal.role} role may not report executions`, { role: principal.role });
    }
    // A broker key reports executions and reads nothing.
    if (mode === 'read' && principal.role === 'broker') {
      throw new ApiError(403, 'FORBIDDEN', 'the broker role may not read accounts', { role: principal.role });
    }
  }
}
