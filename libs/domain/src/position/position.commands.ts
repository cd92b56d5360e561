import type { IsoInstant, Paise, Side } from '../common/types';

export type PositionCommand = {
  type: 'ApplyFill';
  data: {
    accountId: string;
    instrument: string;
    orderId: string;
    fillId: string;
    side: Side;
    quantity: number;
    pricePaise: Paise;
    feesPaise: Paise;
    occurredAt: IsoInstant;
  };
};
