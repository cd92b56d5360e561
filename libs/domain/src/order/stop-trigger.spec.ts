import { stopTriggerReached } from './stop-trigger';

describe('stopTriggerReached (the one stop trigger rule)', () => {
  it('fires a buy stop at or above its trigger and a sell stop at or below it', () => {
    expect(stopTriggerReached('BUY', 100, 100)).toBe(true);
    expect(stopTriggerReached('BUY', 101, 100)).toBe(true);
    expect(stopTriggerReached('BUY', 99, 100)).toBe(false);
    expect(stopTriggerReached('SELL', 100, 100)).toBe(true);
    expect(stopTriggerReached('SELL', 99, 100)).toBe(true);
    expect(stopTriggerReached('SELL', 101, 100)).toBe(false);
  });
});
