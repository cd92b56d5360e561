import { Inject, Injectable } from '@nestjs/common';
import { type AnalystReadAccess, type QueryContext, ReadModelAnalystQueries } from '@robo/analyst';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { DocumentReader, READ_MODEL_STORE } from '@robo/read-models';
import { isAccountScoped } from '@robo/credentials';
import { AccessService } from '../auth/access.service';
import { AnalystAskers } from './analyst-askers';

/** The analyst's reads over the api's stores, with the permissions of the person who asked (AnalystAskers). */
@Injectable()
export class ApiAnalystQueries extends ReadModelAnalystQueries {
  constructor(@Inject(READ_MODEL_STORE) reads: DocumentReader, @Inject(EVENT_STORE) events: EventStore, access: AccessService, askers: AnalystAskers) {
    const asker: AnalystReadAccess = {
      mayRead: (accountId: string, ctx: QueryContext) => access.account(askers.principal(ctx.askId), accountId, 'read'),
      visibleAccounts: (ctx: QueryContext) => access.visibleAccounts(askers.principal(ctx.askId)),
      mayReadStrategies: (ctx: QueryContext) => !isAccountScoped(askers.principal(ctx.askId).role),
    };
    super(reads, events, asker);
  }
}
