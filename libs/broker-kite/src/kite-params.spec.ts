import type { BrokerOrder } from '@robo/paper';
import { equityResolver, kiteTagOf, kiteTimeToInstant, paiseToRupees, rupeesToPaise, toKiteModifyParams, toKitePlaceParams } from './kite-params';

const order = (over: Partial<BrokerOrder> = {}): BrokerOrder => ({
  orderId: '3f2b8c1e-0a4d-4c36-9d0e-5b7f1a2c3d4e',
  accountId: 'acc-1',
  instrument: 'RELIANCE',
  side: 'BUY',
  quantity: 10,
  orderType: 'LIMIT',
  limitPricePaise: 250_050,
  triggerPricePaise: null,
  product: 'MIS',
  validity: 'DAY',
  placedAt: '2026-12-07T04:00:00.000Z',
  ...over,
});

describe('Kite parameters of an order', () => {
  it('derives a tag of at most 20 alphanumeric characters, the same for the same order and different for another', () => {
    const tag = kiteTagOf(order().orderId);
    expect(tag).toMatch(/^[a-z0-9]{1,20}$/);
    expect(tag).toHaveLength(20);
    expect(kiteTagOf(order().orderId)).toBe(tag);
    expect(kiteTagOf('3f2b8c1e-0a4d-4c36-9d0e-5b7f1a2c3d4f')).not.toBe(tag);
  });

  it('maps each order type, product and validity to the Kite parameters (prices in rupees)', () => {
    const ref = { exchange: 'NSE' as const, tradingsymbol: 'RELIANCE' };
    expect(toKitePlaceParams(order(), ref)).toEqual({
      exchange: 'NSE', tradingsymbol: 'RELIANCE', transaction_type: 'BUY', quantity: 10, product: 'MIS', order_type: 'LIMIT', validity: 'DAY', price: 2500.5, tag: kiteTagOf(order().orderId),
    });
    const market = toKitePlaceParams(order({ orderType: 'MARKET', limitPricePaise: null, product: 'CNC', validity: 'IOC', side: 'SELL' }), ref);
    expect(market).toMatchObject({ order_type: 'MARKET', product: 'CNC', validity: 'IOC', transaction_type: 'SELL' });
    expect(market).not.toHaveProperty('price');
    expect(toKitePlaceParams(order({ orderType: 'SL', triggerPricePaise: 249_000, product: 'NRML' }), ref)).toMatchObject({ order_type: 'SL', price: 2500.5, trigger_price: 2490, product: 'NRML' });
    const slm = toKitePlaceParams(order({ orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 249_005 }), ref);
    expect(slm).toMatchObject({ order_type: 'SL-M', trigger_price: 2490.05 });
    expect(slm).not.toHaveProperty('price');
    expect(toKitePlaceParams(order({ validity: 'TTL', validityTtlMinutes: 5 }), ref)).toMatchObject({ validity: 'TTL', validity_ttl: 5 });
  });

  it('refuses a TTL without minutes and a stop order without its trigger price', () => {
    const ref = { exchange: 'NSE' as const, tradingsymbol: 'RELIANCE' };
    expect(() => toKitePlaceParams(order({ validity: 'TTL' }), ref)).toThrow(/TTL/);
    expect(() => toKitePlaceParams(order({ orderType: 'SL-M', limitPricePaise: null }), ref)).toThrow(/trigger/);
  });

  it('sends only what a modification changes', () => {
    expect(toKiteModifyParams({ limitPricePaise: 250_100 })).toEqual({ price: 2501 });
    expect(toKiteModifyParams({ quantity: 20, orderType: 'SL', triggerPricePaise: 249_000 })).toEqual({ quantity: 20, order_type: 'SL', trigger_price: 2490 });
  });

  it('converts rupees and paise exactly and reads Kite IST timestamps, strings or client Dates', () => {
    expect(rupeesToPaise(420.17)).toBe(42_017);
    expect(rupeesToPaise(0.1 + 0.2)).toBe(30);
    expect(paiseToRupees(42_017)).toBe(420.17);
    expect(kiteTimeToInstant('2026-12-07 09:15:02')).toBe('2026-12-07T03:45:02.000Z');
    // The official client turns REST timestamps into Dates read in the process's own zone.
    expect(kiteTimeToInstant(new Date('2026-12-07T09:15:02'))).toBe('2026-12-07T03:45:02.000Z');
    expect(kiteTimeToInstant('07/12/2026')).toBeNull();
  });

  it('routes equities to NSE and refuses what needs the instrument master', () => {
    expect(equityResolver('RELIANCE')).toEqual({ exchange: 'NSE', tradingsymbol: 'RELIANCE' });
    expect(equityResolver('NIFTY 2026-12-29 24000 CE')).toBeNull();
  });
});
