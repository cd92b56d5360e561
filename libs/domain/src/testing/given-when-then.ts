import { DomainError } from '../common/errors';
import { fold } from '../common/decider';

/**
 * given(events).when(command).then(expectedEvents) / .thenThrows(code) for any decider.
 * Usage: const spec = deciderSpec(decide, evolve, initialState);
 *        spec.given([...]).when(cmd).then([...]);
 */
export function deciderSpec<C, E, S>(decide: (c: C, s: S) => E[], evolve: (s: S, e: E) => S, initialState: S) {
  return {
    given(events: readonly E[]) {
      const state = fold(evolve, initialState, events);
      return {
        when(command: C) {
          const run = () => decide(command, state);
          return {
            then(expected: readonly E[]): E[] {
              const actual = run();
              expect(actual).toEqual(expected);
              return actual;
            },
            /** Asserts the decision and returns the events for further checks. */
            thenEvents(check: (events: E[], stateBefore: S) => void): E[] {
              const actual = run();
              check(actual, state);
              return actual;
            },
            thenNothing(): void {
              expect(run()).toEqual([]);
            },
            thenThrows(code: string): DomainError {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(DomainError);
              expect((caught as DomainError).code).toBe(code);
              return caught as DomainError;
            },
            /** The state after applying the decided events. */
            thenState(check: (after: S) => void): void {
              check(fold(evolve, state, run()));
            },
          };
        },
      };
    },
  };
}
