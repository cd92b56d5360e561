import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';

/**
 * The caller behind each question in flight, by ask id: the analyst's tools get only the ask id and actor, and
 * must apply the permissions of the person who asked.
 */
@Injectable()
export class AnalystAskers {
  private readonly byAsk = new Map<string, Principal>();

  register(askId: string, principal: Principal): void {
    this.byAsk.set(askId, principal);
  }

  release(askId: string): void {
    this.byAsk.delete(askId);
  }

  principal(askId: string): Principal {
    const principal = this.byAsk.get(askId);
    // A tool call outside a registered question would run with nobody's permissions: refuse it.
    if (principal === undefined) throw new Error(`no caller registered for question ${askId}`);
    return principal;
  }
}
