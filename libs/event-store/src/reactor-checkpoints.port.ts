export const REACTOR_CHECKPOINTS = Symbol('REACTOR_CHECKPOINTS');

/**
 * How far each reactor (an event handler that issues the next command, like the settlement reactor) has followed the
 * log. Kept on the event side, with the log it follows: in the SQLite event file, or in a stream of its own on a
 * server store. Projections keep theirs with their documents, in the read store.
 */
export interface ReactorCheckpointStore {
  /** The position last saved for the reactor; null when it never saved one. */
  load(reactor: string): Promise<bigint | null>;
  /** Saves the position (a later save replaces it). */
  save(reactor: string, position: bigint, savedAt: string): Promise<void>;
  close(): Promise<void>;
}
