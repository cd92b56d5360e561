import { FillLedger } from './fill-ledger';

describe('FillLedger', () => {
  it('records fills and answers for the order each was settled for', () => {
    const ledger = FillLedger.empty().with('f1', 'o1').with('f2', 'o2');
    expect(ledger.orderFor('f1')).toBe('o1');
    expect(ledger.orderFor('f2')).toBe('o2');
    expect(ledger.orderFor('f3')).toBeUndefined();
    expect(ledger.size).toBe(2);
    expect(ledger.toRecord()).toEqual({ f1: 'o1', f2: 'o2' });
  });

  it('leaves older versions as they were when a newer one is extended', () => {
    const v0 = FillLedger.empty();
    const v1 = v0.with('f1', 'o1');
    const v2 = v1.with('f2', 'o2');
    expect(v0.orderFor('f1')).toBeUndefined();
    expect(v1.orderFor('f2')).toBeUndefined();
    expect(v1.toRecord()).toEqual({ f1: 'o1' });
    expect(v2.toRecord()).toEqual({ f1: 'o1', f2: 'o2' });
  });

  it('branches from an older version without the newer entries leaking in either direction', () => {
    const v1 = FillLedger.empty().with('f1', 'o1');
    const main = v1.with('f2', 'o2');
    const branch = v1.with('f2', 'other').with('f3', 'o3');
    expect(main.orderFor('f2')).toBe('o2');
    expect(main.orderFor('f3')).toBeUndefined();
    expect(branch.orderFor('f2')).toBe('other');
    expect(branch.toRecord()).toEqual({ f1: 'o1', f2: 'other', f3: 'o3' });
    // The original line can still grow after the branch was taken.
    expect(main.with('f4', 'o4').toRecord()).toEqual({ f1: 'o1', f2: 'o2', f4: 'o4' });
    expect(branch.orderFor('f4')).toBeUndefined();
  });

  it('returns the same version for a fill already recorded, keeping the first order', () => {
    const ledger = FillLedger.empty().with('f1', 'o1');
    expect(ledger.with('f1', 'o9')).toBe(ledger);
    expect(ledger.orderFor('f1')).toBe('o1');
  });
});
