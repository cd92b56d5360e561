import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ANALYST, ANALYST_QUERIES, AnalystConfig, AnalystQueries, createAnalyst, createProposalBook, ProposalBook } from '@robo/analyst';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@robo/runtime';
import { AuthModule } from '../auth/auth.module';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { AnalystAskers } from './analyst-askers';
import { AnalystController } from './analyst.controller';
import { ANALYST_CONFIG, PROPOSAL_BOOK } from './analyst.tokens';
import { ApiAnalystQueries } from './api-analyst-queries';
import { placeOrderThroughCommandBus } from './place-proposal-order';

/**
 * The AI analyst (docs/analyst.md): questions streamed as server-sent events, and the analyst's order proposals
 * that a trader approves (through the normal command path) or rejects. Off without ANTHROPIC_API_KEY.
 */
@Module({
  imports: [AuthModule],
  controllers: [AnalystController],
  providers: [
    // Checked with every other variable by loadConfig before the app starts.
    { provide: ANALYST_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig): AnalystConfig => config.analyst },
    AnalystAskers,
    ReadYourWritesService,
    { provide: ANALYST_QUERIES, useClass: ApiAnalystQueries },
    {
      provide: PROPOSAL_BOOK,
      inject: [ANALYST_CONFIG, EVENT_STORE, CLOCK, CommandBus],
      useFactory: (config: AnalystConfig, eventStore: EventStore, clock: Clock, commandBus: CommandBus): ProposalBook =>
        createProposalBook({ eventStore, clock, ttlMs: config.proposalTtlMs, placeOrder: placeOrderThroughCommandBus(commandBus) }),
    },
    {
      provide: ANALYST,
      inject: [ANALYST_CONFIG, ANALYST_QUERIES, EVENT_STORE, PROPOSAL_BOOK, CLOCK],
      useFactory: (config: AnalystConfig, queries: AnalystQueries, eventStore: EventStore, proposals: ProposalBook, clock: Clock) =>
        createAnalyst(config, { queries, eventStore, proposals, clock }),
    },
  ],
})
export class AnalystModule {}
