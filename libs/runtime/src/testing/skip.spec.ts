import { describeOrSkip, itOrSkip, skippedSuite } from './skip';

describe('skipping with a printed reason', () => {
  // Collected while the file is read: the skips below print then, not when tests run.
  const written: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  itOrSkip('no server here', 'Example store')('a test that cannot run', () => {
    throw new Error('a skipped test ran');
  });
  describeOrSkip('no browser here')('a suite that cannot run', () => {
    it('inside it', () => {
      throw new Error('a skipped suite ran');
    });
  });
  skippedSuite('a suite that cannot be declared', 'EXAMPLE_URL is not set');
  write.mockRestore();

  it('writes one line on stderr for each test or suite it skips, with its reason', () => {
    expect(written).toEqual([
      'Example store: skipped "a test that cannot run": no server here\n',
      'skipped "a suite that cannot run": no browser here\n',
      'skipped "a suite that cannot be declared": EXAMPLE_URL is not set\n',
    ]);
  });

  it('is plain it and describe when nothing stops the test', () => {
    for (const none of [null, undefined, false, ''] as const) {
      expect(itOrSkip(none)).toBe(it);
      expect(describeOrSkip(none)).toBe(describe);
    }
  });
});
