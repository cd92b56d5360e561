import { settleWithin } from './settle-within';

describe('settleWithin', () => {
  it('answers what the work answers when it settles in time', async () => {
    await expect(settleWithin(Promise.resolve(7), 1000, () => new Error('late'))).resolves.toBe(7);
    await expect(settleWithin(Promise.reject(new Error('refused')), 1000, () => new Error('late'))).rejects.toThrow('refused');
  });

  it('rejects with the timeout error when the work never settles', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(settleWithin(never, 10, () => new Error('no answer within 10 ms'))).rejects.toThrow('no answer within 10 ms');
  });
});
