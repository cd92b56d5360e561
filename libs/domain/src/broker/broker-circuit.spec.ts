import { brokerCircuitAdmits, initialBrokerCircuit, recordBrokerCall, type BrokerCircuit } from './broker-circuit';

const policy = { failureThreshold: 3, coolDownMs: 30_000 };
const down = (error = 'NetworkException: No response from server') => ({ reached: false as const, error });
const at = (second: number) => `2026-12-07T10:00:${String(second).padStart(2, '0')}+05:30`;
const fail = (circuit: BrokerCircuit, times: number, second = 0): BrokerCircuit => {
  let c = circuit;
  for (let i = 0; i < times; i++) c = recordBrokerCall(c, down(`failure ${i + 1}`), at(second), policy);
  return c;
};

describe('the broker circuit breaker', () => {
  it('stays closed below the threshold and opens at it, with since and the last error', () => {
    const two = fail(initialBrokerCircuit, 2);
    expect(two).toEqual({ state: 'closed', consecutiveFailures: 2, lastError: 'failure 2' });
    expect(brokerCircuitAdmits(two, at(1), policy)).toBe('route');
    const three = fail(initialBrokerCircuit, 3, 5);
    expect(three).toEqual({ state: 'open', since: at(5), lastError: 'failure 3', consecutiveFailures: 3 });
  });

  it('counts only consecutive failures: an answer from the broker (even a refusal of the order) resets the count', () => {
    const reset = recordBrokerCall(fail(initialBrokerCircuit, 2), { reached: true }, at(1), policy);
    expect(reset).toEqual(initialBrokerCircuit);
    expect(fail(reset, 2).state).toBe('closed');
  });

  it('refuses while cooling down, lets one probe through after it, and closes when the broker answers', () => {
    const open = fail(initialBrokerCircuit, 3, 0);
    expect(brokerCircuitAdmits(open, at(29), policy)).toBe('refuse');
    expect(brokerCircuitAdmits(open, '2026-12-07T10:00:30+05:30', policy)).toBe('probe');
    expect(recordBrokerCall(open, { reached: true }, at(31), policy)).toEqual(initialBrokerCircuit);
  });

  it('opens again from the failed probe: the cool-down starts over', () => {
    const open = fail(initialBrokerCircuit, 3, 0);
    const again = recordBrokerCall(open, down('probe failed'), '2026-12-07T10:00:40+05:30', policy);
    expect(again).toMatchObject({ state: 'open', since: '2026-12-07T10:00:40+05:30', lastError: 'probe failed' });
    expect(brokerCircuitAdmits(again, '2026-12-07T10:01:00+05:30', policy)).toBe('refuse');
    expect(brokerCircuitAdmits(again, '2026-12-07T10:01:10+05:30', policy)).toBe('probe');
  });
});
