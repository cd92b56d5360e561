import { createHash } from 'node:crypto';
import { renderToolOutput, toJsonText } from './tool-output';

describe('renderToolOutput', () => {
  it('sends small results whole, as JSON text, bigints as strings', () => {
    const out = renderToolOutput({ position: 12n, name: 'Asha' }, 100, 10);
    expect(out.content).toBe('{"position":"12","name":"Asha"}');
    expect(out.summary).toEqual({ sizeChars: 31, sha256: createHash('sha256').update(out.content).digest('hex'), preview: '{"position', truncated: false });
  });

  it('cuts large results at the cap and says so; the size and hash are those of the whole', () => {
    const value = { items: Array.from({ length: 100 }, (_, i) => ({ i })) };
    const full = toJsonText(value);
    const out = renderToolOutput(value, 50, 20);
    expect(out.content.startsWith(full.slice(0, 50))).toBe(true);
    expect(out.content.slice(50)).toBe(`\n[truncated: 50 of ${full.length} characters shown; ask again with a smaller limit or narrower filters]`);
    expect(out.summary).toMatchObject({ sizeChars: full.length, sha256: createHash('sha256').update(full).digest('hex'), truncated: true });
  });

  it('renders undefined as null rather than nothing', () => {
    expect(renderToolOutput(undefined, 10, 10).content).toBe('null');
  });
});
