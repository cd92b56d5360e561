import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A scratch directory for one run's database files; removed by cleanup(). */
export class ScratchDir {
  readonly root: string;
  private n = 0;

  constructor(parent?: string) {
    const base = parent ?? os.tmpdir();
    fs.mkdirSync(base, { recursive: true });
    this.root = fs.mkdtempSync(path.join(base, 'robo-bench-'));
  }

  /** A fresh path (the file does not exist yet). */
  file(name: string): string {
    this.n += 1;
    return path.join(this.root, `${this.n}-${name}`);
  }

  /** Deletes a database file and its WAL companions, so a large log does not pile up on disk. */
  remove(file: string): void {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
