/** What the client's readAll/readStream return, reduced to what is used: pull-based iteration and a way to stop. */
export interface CancellableRead<R> extends AsyncIterable<R> {
  cancel(): Promise<void>;
}

/**
 * Iterates a read of the client until `visit` answers 'stop' or the read ends. Leaving a `for await` over the
 * client's read early only unpipes its transform: the gRPC call stays open (held by flow control, kept in the
 * client's disposable streams, so that dispose() never finishes). So a read left early is cancelled here, and the
 * cancellation is awaited before this resolves. Resolves true when the read ran to its end.
 */
export async function readUntil<R>(read: CancellableRead<R>, visit: (record: R) => 'stop' | void): Promise<boolean> {
  let ended = false;
  try {
    for await (const record of read) {
      if (visit(record) === 'stop') return false;
    }
    ended = true;
    return true;
  } finally {
    // Also after a failure: a call that failed is already over, and cancelling it again does nothing.
    if (!ended) await read.cancel().catch(() => undefined);
  }
}
