import { DataError } from '../../step/errors';
import { lineTooLong, MAX_LINE_BYTES } from './csv';
import type { ColumnSink } from './sink';

const LF = 10;
const BATCH_ROWS = 8192;

/**
 * JSON Lines, streamed: one object per line (blank lines skipped). The first object's keys are the columns; a
 * key absent from a later object is a missing value there, keys it adds are ignored. Each line's object lives
 * only until its kept values are copied into the column batch.
 */
export class JsonlReader {
  private carry: Buffer | undefined;
  private line = 1;
  private columns: readonly string[] | undefined;
  private batch: unknown[][] = [];
  private count = 0;
  rows = 0;

  constructor(
    private readonly file: string,
    private readonly sink: ColumnSink,
    /** Maps the columns (first object's keys) to the field position of each kept column. */
    private readonly onHeader: (names: readonly string[]) => readonly number[],
  ) {}

  push(chunk: Buffer): void {
    let buffer = chunk;
    if (this.carry) {
      buffer = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(LF, start);
      if (end < 0) break;
      this.parseLine(buffer, start, end);
      start = end + 1;
    }
    if (buffer.length - start > MAX_LINE_BYTES) throw lineTooLong(this.file, this.line);
    if (start < buffer.length) this.carry = Buffer.from(buffer.subarray(start));
    this.flush();
  }

  /** The end of the file; returns the rows read. */
  end(): number {
    if (this.carry) {
      const buffer = this.carry;
      this.carry = undefined;
      this.parseLine(buffer, 0, buffer.length);
    }
    this.flush();
    if (!this.columns)
      throw new DataError(`${this.file} is empty: JSON Lines needs one object per line.`, {
        file: this.file,
      });
    return this.rows;
  }

  private parseLine(buffer: Buffer, start: number, end: number): void {
    const line = this.line++;
    let last = end;
    while (last > start && (buffer[last - 1] === 13 || buffer[last - 1] === 32 || buffer[last - 1] === 9))
      last--;
    let first = start;
    while (first < last && (buffer[first] === 32 || buffer[first] === 9)) first++;
    if (first === last) return;
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString('utf8', first, last));
    } catch (error) {
      throw new DataError(
        `${this.file}:${line}: not valid JSON (${(error as Error).message}).`,
        { file: this.file, line },
        { cause: error },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new DataError(
        `${this.file}:${line}: expected a JSON object per line, found ${Array.isArray(value) ? 'an array' : String(value)}.`,
        {
          file: this.file,
          line,
        },
      );
    const record = value as Record<string, unknown>;
    if (!this.columns) {
      const names = Object.keys(record);
      const kept = this.onHeader(names);
      this.columns = kept.map((field) => names[field]!);
      this.batch = kept.map(() => new Array<unknown>(BATCH_ROWS));
    }
    const columns = this.columns;
    const row = this.count++;
    for (let column = 0; column < columns.length; column++)
      this.batch[column]![row] = record[columns[column]!];
    if (this.count === BATCH_ROWS) this.flush();
  }

  private flush(): void {
    if (this.count === 0) return;
    for (let column = 0; column < this.batch.length; column++)
      this.sink.values(column, this.batch[column]!, 0, this.count);
    this.rows += this.count;
    this.count = 0;
  }
}
