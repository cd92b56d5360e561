/** A decider: the whole behaviour of one aggregate as three pure values. */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
}

/** Folds events into state, starting from the decider's initial state or a given one. */
export function fold<Event, State>(evolve: (s: State, e: Event) => State, initial: State, events: readonly Event[]): State {
  let state = initial;
  for (const event of events) state = evolve(state, event);
  return state;
}
