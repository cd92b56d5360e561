import * as fs from 'node:fs';

/** Bytes this process has caused to be written to storage so far (Linux /proc/self/io), or null elsewhere. */
export function diskBytesWritten(): number | null {
  try {
    const line = fs
      .readFileSync('/proc/self/io', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('write_bytes:'));
    return line ? Number(line.split(':')[1]) : null;
  } catch {
    return null;
  }
}

/** Measures the bytes written to storage during `work`, per unit (null when the platform does not say). */
export async function diskBytesPer<T>(units: (result: T) => number, work: () => Promise<T> | T): Promise<{ result: T; bytesPerUnit: number | null }> {
  const before = diskBytesWritten();
  const result = await work();
  const after = diskBytesWritten();
  const n = units(result);
  return { result, bytesPerUnit: before === null || after === null || n === 0 ? null : (after - before) / n };
}
