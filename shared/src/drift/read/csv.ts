import { DataError } from '../../step/errors';
import { shownName } from './names';
import type { ColumnSink } from './sink';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const DELIMITERS = [44, 59, 9, 124] as const; // , ; \t |
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
/** Digits accumulated in a double stay exact up to here. */
const MAX_EXACT = 2 ** 53 - 1;
const DELIMITER_NAMES: Record<number, string> = { 44: "','", 59: "';'", 9: 'tab', 124: "'|'" };

/**
 * The longest line (or row, when quoted fields hold line breaks) a reader keeps while it waits for the line's
 * end: longer is an error at the line, not a buffer that grows with the file.
 */
export const MAX_LINE_BYTES = 8 << 20;

/** The error for a line longer than MAX_LINE_BYTES. */
export function lineTooLong(file: string, line: number): DataError {
  return new DataError(
    `${file}:${line}: the line is longer than ${MAX_LINE_BYTES >> 20} MiB, the most drift-check reads in one line (a missing line break or closing quote?).`,
    { file, line },
  );
}

/**
 * The header row: its delimiter is the candidate (`,` `;` tab `|`) it holds most often outside quotes (ties go
 * to the order listed; a header with none is one column, comma-separated). Empty names become `Unnamed: <i>`
 * as pandas names them; duplicate names are an error.
 */
export function parseHeader(
  line: Uint8Array,
  file: string,
  lineNumber: number,
  preferred?: number,
): { names: string[]; delimiter: number } {
  let delimiter = preferred ?? 44;
  if (preferred === undefined) {
    const counts = new Map<number, number>();
    let quoted = false;
    for (const byte of line) {
      if (byte === QUOTE) quoted = !quoted;
      else if (!quoted && (DELIMITERS as readonly number[]).includes(byte))
        counts.set(byte, (counts.get(byte) ?? 0) + 1);
    }
    let best = 0;
    for (const candidate of DELIMITERS) {
      const count = counts.get(candidate) ?? 0;
      if (count > best) {
        best = count;
        delimiter = candidate;
      }
    }
  }
  const names: string[] = [];
  const decoder = new TextDecoder();
  let i = 0;
  for (;;) {
    let name: string;
    if (line[i] === QUOTE) {
      let j = i + 1;
      let text = '';
      for (;;) {
        const close = line.indexOf(QUOTE, j);
        if (close < 0)
          throw new DataError(`${file}:${lineNumber}: the header has an unterminated quoted name.`, {
            file,
            line: lineNumber,
          });
        text += decoder.decode(line.subarray(j, close));
        if (line[close + 1] === QUOTE) {
          text += '"';
          j = close + 2;
        } else {
          j = close + 1;
          break;
        }
      }
      name = text;
      i = j;
      while (i < line.length && line[i] !== delimiter) i++;
    } else {
      let j = i;
      while (j < line.length && line[j] !== delimiter) j++;
      name = decoder.decode(line.subarray(i, j));
      i = j;
    }
    names.push(name === '' ? `Unnamed: ${names.length}` : name);
    if (i >= line.length) break;
    i++;
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new DataError(`${file}:${lineNumber}: the header names the column "${shownName(name)}" twice.`, {
        file,
        line: lineNumber,
      });
    seen.add(name);
  }
  return { names, delimiter };
}

/**
 * A streaming CSV tokenizer over Buffers (RFC 4180: quoted fields with doubled quotes and line breaks, LF or
 * CRLF; blank lines skipped). It builds no string per field: each kept column of a chunk's rows goes to the
 * sink as numbers parsed during the scan, or byte ranges into the chunk for anything else. A row with another number of fields than the header is a DataError
 * naming file:line.
 */
export class CsvReader {
  private carry: Buffer | undefined;
  private carryBuffer: Buffer | undefined;
  private work = Buffer.alloc(0);
  private workLength = 0;
  /** Line number of the next byte to read (1-based). */
  private line = 1;
  private header: { names: string[]; delimiter: number } | undefined;
  /** Kept column number per field position, -1 for fields not kept. */
  private slots = new Int32Array(0);
  private starts: Int32Array[] = [];
  private ends: Int32Array[] = [];
  private numbers: Float64Array[] = [];
  private capacity = 0;
  rows = 0;

  constructor(
    private readonly file: string,
    private readonly sink: ColumnSink,
    /** Names the header must have, in the sink's column order; checked by `onHeader`. */
    private readonly onHeader: (names: readonly string[]) => readonly number[],
    private readonly preferredDelimiter?: number,
  ) {}

  /** Tokenizes the next chunk (of any size); a row cut at the chunk's end waits for the next one. */
  push(chunk: Buffer): void {
    // The chunk is only valid during this call: rows cut at its end are kept in `carry`. Carry and chunk are
    // joined in a reused work buffer (no garbage per chunk) followed by a LF sentinel, which lets the scanning
    // loops stop at the end without a bounds check per byte (the true end is still `length`).
    const consumed = this.tokenize(this.join(chunk), false);
    this.keep(consumed);
  }

  /** The end of the file: a last row without a line break is still a row. Returns the rows read. */
  end(): number {
    if (this.carry && this.carry.length > 0) {
      const length = this.join(Buffer.alloc(0));
      this.carry = undefined;
      this.tokenize(length, true);
    }
    if (!this.header)
      throw new DataError(`${this.file} is empty: a CSV file needs a header row.`, { file: this.file });
    return this.rows;
  }

  /** Copies carry + chunk into the work buffer, with the sentinel; returns their length. */
  private join(chunk: Buffer): number {
    const carried = this.carry?.length ?? 0;
    const length = carried + chunk.length;
    if (this.work.length < length + 1)
      this.work = Buffer.allocUnsafe(Math.max(length + 1, this.work.length * 2));
    if (carried > 0) this.carry!.copy(this.work, 0, 0, carried);
    chunk.copy(this.work, carried);
    this.work[length] = LF;
    this.workLength = length;
    return length;
  }

  /** Keeps the bytes from `consumed` (an incomplete row) for the next chunk. */
  private keep(consumed: number): void {
    const rest = this.workLength - consumed;
    if (rest > MAX_LINE_BYTES) throw lineTooLong(this.file, this.line);
    if (rest > 0) {
      if (!this.carryBuffer || this.carryBuffer.length < rest)
        this.carryBuffer = Buffer.allocUnsafe(Math.max(rest, 64 << 10));
      this.work.copy(this.carryBuffer, 0, consumed, this.workLength);
      this.carry = this.carryBuffer.subarray(0, rest);
    } else this.carry = undefined;
  }

  private readHeader(buffer: Buffer, final: boolean): number {
    let position = 0;
    let line = this.line;
    if (line === 1 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) position = 3;
    while (position < buffer.length && (buffer[position] === LF || buffer[position] === CR)) {
      if (buffer[position] === LF) line++;
      position++;
    }
    if (position >= buffer.length) {
      if (final) this.line = line;
      return final ? buffer.length : 0;
    }
    // The header ends at the first line break outside quotes.
    let quoted = false;
    let end = position;
    for (; end < buffer.length; end++) {
      const byte = buffer[end];
      if (byte === QUOTE) quoted = !quoted;
      else if (!quoted && (byte === LF || byte === CR)) break;
    }
    if ((end >= buffer.length || (buffer[end] === CR && end + 1 >= buffer.length)) && !final) return 0;
    this.header = parseHeader(buffer.subarray(position, end), this.file, line, this.preferredDelimiter);
    for (let i = position; i < end; i++) if (buffer[i] === LF) line++;
    const kept = this.onHeader(this.header.names);
    this.slots = new Int32Array(this.header.names.length).fill(-1);
    kept.forEach((field, column) => (this.slots[field] = column));
    this.starts = kept.map(() => new Int32Array(0));
    this.ends = kept.map(() => new Int32Array(0));
    this.numbers = kept.map(() => new Float64Array(0));
    this.capacity = 0;
    if (end < buffer.length && buffer[end] === CR) end++;
    if (end < buffer.length && buffer[end] === LF) end++;
    this.line = line + 1;
    return end;
  }

  /** Reads every complete row of the work buffer's `length` bytes; returns where the first incomplete one starts. */
  // eslint-disable-next-line max-lines-per-function -- the per-byte hot loop of drift-check: a split-out number scanner is not inlined by V8 and reads a 50 MB CSV 15-40% slower
  private tokenize(length: number, final: boolean): number {
    const buffer = this.work;
    let position = 0;
    if (!this.header) {
      position = this.readHeader(buffer.subarray(0, length), final);
      if (!this.header) return position;
    }
    const delimiter = this.header.delimiter;
    const fieldCount = this.header.names.length;
    const slots = this.slots;
    if (this.capacity === 0) this.ensureCapacity(4096);
    let starts = this.starts;
    let ends = this.ends;
    let numbers = this.numbers;
    let count = 0;
    let line = this.line;
    let consumed = position;

    rows: while (position < length) {
      const rowStart = position;
      const rowLine = line;
      let byte = buffer[position]!;
      if (byte === LF || byte === CR) {
        // A blank line.
        if (byte === CR && position + 1 < length && buffer[position + 1] === LF) position++;
        else if (byte === CR && position + 1 >= length && !final) break;
        position++;
        line++;
        consumed = position;
        continue;
      }
      if (count === this.capacity) {
        this.flush(buffer, count);
        count = 0;
        this.ensureCapacity(this.capacity * 2);
        starts = this.starts;
        ends = this.ends;
        numbers = this.numbers;
      }
      let field = 0;
      for (;;) {
        let fieldStart = position;
        let fieldEnd = -1;
        let value = 0;
        if (position < length && buffer[position] === QUOTE) {
          let scan = position + 1;
          let escaped = false;
          for (;;) {
            let close = buffer.indexOf(QUOTE, scan);
            if (close >= length) close = -1;
            if (close < 0 || (close + 1 >= length && !final)) {
              if (final) throw this.error(rowLine, 'a quoted field is never closed');
              line = rowLine;
              position = rowStart;
              break rows;
            }
            if (close + 1 < length && buffer[close + 1] === QUOTE) {
              escaped = true;
              scan = close + 2;
              continue;
            }
            for (let i = position + 1; i < close; i++) if (buffer[i] === LF) line++;
            fieldStart = escaped ? ~(position + 1) : position + 1;
            fieldEnd = close;
            position = close + 1;
            break;
          }
          if (position < length) {
            byte = buffer[position]!;
            if (byte !== delimiter && byte !== LF && byte !== CR)
              throw this.error(line, `unexpected text after a closing quote in field ${field + 1}`);
          }
        } else {
          // Numbers are parsed while the field is scanned (one pass over its bytes, no string): a plain
          // decimal whose digits make an integer below 2^53 and whose exponent is within +-22 is exact as
          // mantissa * 10^exponent (one correctly rounded operation, as Number() gives). Anything else is
          // left as text for the accumulator.
          let p = position;
          byte = buffer[p]!;
          if ((byte >= 48 && byte <= 57) || byte === 45 || byte === 43 || byte === 46) {
            let negative = false;
            if (byte === 45 || byte === 43) {
              negative = byte === 45;
              p++;
            }
            let mantissa = 0;
            let exponent = 0;
            let d = 0;
            const integerStart = p;
            while ((d = buffer[p]! - 48) >= 0 && d <= 9) {
              mantissa = mantissa * 10 + d;
              p++;
            }
            let digits = p - integerStart;
            if (buffer[p] === 46) {
              p++;
              const fractionStart = p;
              while ((d = buffer[p]! - 48) >= 0 && d <= 9) {
                mantissa = mantissa * 10 + d;
                p++;
              }
              exponent = fractionStart - p;
              digits -= exponent;
            }
            byte = buffer[p]!;
            if ((byte === 101 || byte === 69) && digits > 0) {
              let q = p + 1;
              let negativeExponent = false;
              if (buffer[q] === 45 || buffer[q] === 43) {
                negativeExponent = buffer[q] === 45;
                q++;
              }
              let e = 0;
              const from = q;
              while ((d = buffer[q]! - 48) >= 0 && d <= 9) {
                if (e < 100000) e = e * 10 + d;
                q++;
              }
              if (q > from) {
                exponent += negativeExponent ? -e : e;
                p = q;
                byte = buffer[p]!;
              }
            }
            if (
              digits > 0 &&
              mantissa <= MAX_EXACT &&
              exponent <= 22 &&
              exponent >= -22 &&
              (byte === delimiter || byte === LF || byte === CR)
            ) {
              value =
                exponent === 0
                  ? mantissa
                  : exponent < 0
                    ? mantissa / POW10[-exponent]!
                    : mantissa * POW10[exponent]!;
              if (negative) value = -value;
              fieldEnd = -2;
            }
          }
          for (;;) {
            byte = buffer[p]!;
            if (byte === delimiter || byte === LF || byte === CR) break;
            p++;
          }
          position = p;
          if (fieldEnd === -1) fieldEnd = p;
        }
        if (field < fieldCount) {
          const slot = slots[field]!;
          if (slot >= 0) {
            if (fieldEnd === -2) {
              ends[slot]![count] = -1;
              numbers[slot]![count] = value;
            } else {
              starts[slot]![count] = fieldStart;
              ends[slot]![count] = fieldEnd;
            }
          }
        }
        field++;
        if (position >= length) {
          if (!final) {
            line = rowLine;
            position = rowStart;
            break rows;
          }
          break;
        }
        byte = buffer[position]!;
        if (byte === delimiter) {
          position++;
          continue;
        }
        if (byte === CR) {
          if (position + 1 >= length && !final) {
            line = rowLine;
            position = rowStart;
            break rows;
          }
          if (buffer[position + 1] === LF) position++;
        }
        position++;
        break;
      }
      if (field !== fieldCount) throw this.fieldCountError(buffer, rowStart, rowLine, field);
      line++;
      count++;
      consumed = position;
    }
    this.line = line;
    if (count > 0) this.flush(buffer, count);
    return consumed;
  }

  private flush(buffer: Buffer, count: number): void {
    for (let column = 0; column < this.starts.length; column++)
      this.sink.text(column, buffer, this.starts[column]!, this.ends[column]!, this.numbers[column]!, count);
    this.rows += count;
  }

  private ensureCapacity(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    this.starts = this.starts.map(() => new Int32Array(capacity));
    this.ends = this.ends.map(() => new Int32Array(capacity));
    this.numbers = this.starts.map(() => new Float64Array(capacity));
  }

  private error(line: number, what: string): DataError {
    return new DataError(`${this.file}:${line}: ${what}.`, { file: this.file, line });
  }

  private fieldCountError(buffer: Buffer, rowStart: number, line: number, fields: number): DataError {
    const header = this.header!;
    let rowEnd = buffer.indexOf(LF, rowStart);
    if (rowEnd < 0) rowEnd = buffer.length;
    const row = buffer.subarray(rowStart, rowEnd);
    const others = DELIMITERS.filter((d) => d !== header.delimiter && row.includes(d));
    const hint =
      others.length > 0
        ? ` The row holds ${others.map((d) => DELIMITER_NAMES[d]).join(' and ')}: mixed delimiters?`
        : fields > header.names.length
          ? ' An unquoted delimiter inside a value?'
          : '';
    return new DataError(
      `${this.file}:${line}: expected ${header.names.length} fields (delimiter ${DELIMITER_NAMES[header.delimiter]}, from the header) but found ${fields}.${hint}`,
      { file: this.file, line },
    );
  }
}
