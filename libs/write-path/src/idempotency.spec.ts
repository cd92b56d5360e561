import { idempotencyStream, requestFingerprint } from './idempotency';

describe('the request an Idempotency-Key stands for', () => {
  it('is the same whatever the order of the body keys, and an absent body is {}', () => {
    expect(requestFingerprint('post', '/api/orders/o/modify', { quantity: 2, limitPricePaise: 5 })).toBe(requestFingerprint('POST', '/api/orders/o/modify', { limitPricePaise: 5, quantity: 2 }));
    expect(requestFingerprint('POST', '/api/accounts/a/resume', undefined)).toBe(requestFingerprint('POST', '/api/accounts/a/resume', {}));
  });

  it('differs with the body, the path or the method', () => {
    const base = requestFingerprint('POST', '/api/orders/o/modify', { quantity: 2 });
    expect(requestFingerprint('POST', '/api/orders/o/modify', { quantity: 3 })).not.toBe(base);
    expect(requestFingerprint('POST', '/api/orders/p/modify', { quantity: 2 })).not.toBe(base);
    expect(requestFingerprint('PUT', '/api/orders/o/modify', { quantity: 2 })).not.toBe(base);
    expect(requestFingerprint('POST', '/api/orders/o/modify', { quantity: [2] })).not.toBe(base);
  });

  it('is scoped per credential', () => {
    expect(idempotencyStream('kid-a', 'k1')).not.toBe(idempotencyStream('kid-b', 'k1'));
    expect(idempotencyStream('kid-a', 'k1')).toBe(idempotencyStream('kid-a', 'k1'));
  });
});
