/**
 * Skipping with a printed reason. Jest shows nothing of a skipped test, nor any console output of a file whose tests
 * are all skipped: these write one line on stderr, straight, when they skip, so a run says what it did not test and
 * why (a store adapter without its server's URL, a browser that is not installed, a case an adapter cannot support).
 */

/** What may stop a test from running: a reason, or nothing (null, undefined, false, '') when it runs. */
export type SkipReason = string | null | undefined | false;

/** Writes the one line a skip prints: `<label>: skipped "<title>": <reason>` (the label when there is one). */
export function printSkip(title: string, reason: string, label?: string): void {
  process.stderr.write(`${label ? `${label}: ` : ''}skipped "${title}": ${reason}\n`);
}

/** `it` when there is no reason; else an `it.skip` that prints the reason of each test it skips. */
export function itOrSkip(reason: SkipReason, label?: string): jest.It {
  if (!reason) return it;
  return ((title: string, ...rest: unknown[]) => {
    printSkip(title, reason, label);
    return (it.skip as (...args: unknown[]) => void)(title, ...rest);
  }) as unknown as jest.It;
}

/** `describe` when there is no reason; else a `describe.skip` that prints the reason of the suite it skips. */
export function describeOrSkip(reason: SkipReason, label?: string): jest.Describe {
  if (!reason) return describe;
  return ((title: string, ...rest: unknown[]) => {
    printSkip(title, reason, label);
    return (describe.skip as (...args: unknown[]) => void)(title, ...rest);
  }) as unknown as jest.Describe;
}

/**
 * A suite that cannot even be declared without what it lacks (a client built from a missing URL at collection
 * time): registers it as skipped, with the reason as its one test's title, and prints the reason.
 */
export function skippedSuite(title: string, reason: string): void {
  describeOrSkip(reason)(title, () => {
    it(`needs what is missing: ${reason}`, () => undefined);
  });
}
